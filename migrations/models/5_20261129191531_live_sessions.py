from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "live_sessions" (
    "id" UUID NOT NULL PRIMARY KEY,
    "kind" VARCHAR(8) NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "join_code" VARCHAR(6) NOT NULL,
    "state" VARCHAR(16) NOT NULL,
    "question_ids" JSONB NOT NULL,
    "current_index" INT NOT NULL,
    "opens_at" TIMESTAMPTZ,
    "closes_at" TIMESTAMPTZ,
    "seconds_per_question" INT NOT NULL,
    "points_per_question" INT NOT NULL,
    "speed_bonus" BOOL NOT NULL,
    "show_leaderboard" BOOL NOT NULL,
    "counts_as_attempt" BOOL NOT NULL,
    "step_index" INT NOT NULL,
    "step_payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "started_at" TIMESTAMPTZ,
    "ended_at" TIMESTAMPTZ,
    "course_id" UUID NOT NULL REFERENCES "courses" ("id") ON DELETE CASCADE,
    "host_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "lesson_id" UUID REFERENCES "lessons" ("id") ON DELETE SET NULL,
    "quiz_id" UUID REFERENCES "quizzes" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_live_sessio_join_co_74f6d9" ON "live_sessions" ("join_code");
COMMENT ON COLUMN "live_sessions"."kind" IS 'QUIZ: quiz\nLESSON: lesson';
COMMENT ON COLUMN "live_sessions"."state" IS 'LOBBY: lobby\nRUNNING: running\nQUESTION_OPEN: question_open\nQUESTION_CLOSED: question_closed\nENDED: ended';
        CREATE TABLE IF NOT EXISTS "live_attendance" (
    "id" UUID NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "joined_at" TIMESTAMPTZ NOT NULL,
    "left_at" TIMESTAMPTZ,
    "session_id" UUID NOT NULL REFERENCES "live_sessions" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_live_attend_user_id_8e39d1" ON "live_attendance" ("user_id");
COMMENT ON TABLE "live_attendance" IS 'One stretch of presence in the room (a user on two processes has two rows).';
        CREATE TABLE IF NOT EXISTS "live_messages" (
    "id" UUID NOT NULL PRIMARY KEY,
    "kind" VARCHAR(8) NOT NULL,
    "author_name" VARCHAR(200) NOT NULL,
    "text" TEXT NOT NULL,
    "upvotes" INT NOT NULL,
    "hidden_by_host" BOOL NOT NULL,
    "answered" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "author_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    "session_id" UUID NOT NULL REFERENCES "live_sessions" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_live_messag_session_d04583" ON "live_messages" ("session_id", "created_at");
COMMENT ON COLUMN "live_messages"."kind" IS 'CHAT: chat\nQUESTION: question';
        CREATE TABLE IF NOT EXISTS "live_participants" (
    "id" UUID NOT NULL PRIMARY KEY,
    "display_name" VARCHAR(200) NOT NULL,
    "joined_at" TIMESTAMPTZ NOT NULL,
    "score" INT NOT NULL,
    "streak" INT NOT NULL,
    "correct_count" INT NOT NULL,
    "answer_ms" BIGINT NOT NULL,
    "kicked_at" TIMESTAMPTZ,
    "hand_raised_at" TIMESTAMPTZ,
    "session_id" UUID NOT NULL REFERENCES "live_sessions" ("id") ON DELETE CASCADE,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_live_partic_session_957d8e" UNIQUE ("session_id", "user_id")
);
        CREATE TABLE IF NOT EXISTS "live_answers" (
    "id" UUID NOT NULL PRIMARY KEY,
    "question_id" UUID NOT NULL,
    "question_index" INT NOT NULL,
    "choice" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    "elapsed_ms" INT NOT NULL,
    "correct" BOOL NOT NULL,
    "points" INT NOT NULL,
    "participant_id" UUID NOT NULL REFERENCES "live_participants" ("id") ON DELETE CASCADE,
    "session_id" UUID NOT NULL REFERENCES "live_sessions" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_live_answer_partici_887588" UNIQUE ("participant_id", "question_index")
);
CREATE INDEX IF NOT EXISTS "idx_live_answer_session_d2f83c" ON "live_answers" ("session_id", "question_index");
        CREATE TABLE IF NOT EXISTS "live_upvotes" (
    "id" UUID NOT NULL PRIMARY KEY,
    "user_id" UUID NOT NULL,
    "message_id" UUID NOT NULL REFERENCES "live_messages" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_live_upvote_message_1619d8" UNIQUE ("message_id", "user_id")
);
COMMENT ON TABLE "live_upvotes" IS 'One upvote per user and question: the unique row decides, not a read.';
        CREATE UNIQUE INDEX IF NOT EXISTS "live_sessions_open_code" ON "live_sessions" ("join_code") WHERE "state" <> 'ended';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "live_upvotes";
        DROP TABLE IF EXISTS "live_messages";
        DROP TABLE IF EXISTS "live_answers";
        DROP TABLE IF EXISTS "live_attendance";
        DROP TABLE IF EXISTS "live_participants";
        DROP TABLE IF EXISTS "live_sessions";"""


MODELS_STATE = (
    "eJztXXtzo0a2/yqU/tmkajLlkceeWd9bt0q2NRPt2pIjyZNN4i2CoSVxBwHh4Rknm+++3Y"
    "1ANHQjGj3cIqcqlRoDp0G/04/zPn90lp6FnPD1fYiCzoX2R8c1lgj/g7n+SusYvr++Si5E"
    "xqNDH4zxE/SK8RhGgWFG+OLMcEKEL1koNAPbj2zPxVfd2HHIRc/ED9rufH0pdu3fYqRH3h"
    "xFC/ohv/wbX7ZdC31FYfqn/1mf2cixmO+0LfJuel2Pnn167f5+cP2BPkle96ibnhMv3fXT"
    "/nO08Nzs8Ti2rdeEhtybIxcFRoSs3M8gX7n6ueml5IvxhSiIUfap1vqChWZG7BAwOv87i1"
    "2TYKDRN5H/vf2/1aflHtP14WiqT/pTXe9IYGd6LsHddiMC1B9/JuOuAaFXO+QFV9/3xt+c"
    "nn9LIfDCaB7QmxSuzp+U0IiMhJSCvkYZLQ3bKQN9tTACPtAZQQFr/Kn7QTkFaA+QdpbGV9"
    "1B7jxa4D+7Z28rMP7UG1OY8VMUZw+viGSdDFe3usk9gvcaX98Iwy9eYOkLI1zI4Fwi3A3e"
    "6YU14OslfXDE35yc1EAcPyVEnN5jEZ/hF+v0Dwm0GaIWIt2thXS3AuluGenAcwQg9914SY"
    "Ee4G8yXBOVAE9p94V1ebMOo9hCbiS5PXd617eD4YVmWEvbfXAHw8l0fH81HY0vNJvgHZuR"
    "Fzy4k+n9dX84vdDyb5FdDed1FsO5eC2cFxlkhzo+tu0nDpcuPcwAwxUcpnm6AoceMeG+lk"
    "PKtMOenpej0Q0ZeRmGvzn0wmBawPj+9rKPsafQ44fsiF4eDKcFwOnhqD+hwMYvsnQjKgN/"
    "jTGL7CWqOF2LAxQ4YK1GeJ3+owY7VsiqsjlVcGM6uO1Ppr3bO4Yl171pn9zp0qvPhavfFB"
    "dFNoj242D6vUb+1H4eDftFASl7bvpzh3yTEUee7npfdMPKY5JeTi8xPHeMMNIdb267Dfhd"
    "IgZeq8xrwoHfPVdKtMjTHE6y6NxPr/alibDH1nkdqflcLDSfl2XmwJvZPNHiH5PRUCAtr0"
    "mKK8g2I+0/mmOH0d6wXuuBj7HtRFgweE1e+xKqIIGIWU0p0N/c9v5V5MHVzeiyuEzIAJcF"
    "hixnho5cAhFHJ6+UJAqUB5QlsitHK0wQ7EJkBohzqoi3G5aq0Yaj2AGy7+2GIOYj18Lf0B"
    "DvMjXgXg93Kv+EEfI5+4o9H7iRGHSGtIC37dbZ7FXDe04+4ru/d7unp++6J6fn78/evnt3"
    "9v7kPX6WfnD51ruqrWjwkWwqDD/KuwyesQShBrIrS7kDwVU5Ewr+gdbIdZ5Xc+VIJNnVtK"
    "4UZGPfash1lhK4rgrXOfoL/XriX5l9ztn+yYVHw/z8xQgsnbmznh4hCkMMW8jZlVeUH/45"
    "Ro5BsS1Pg5WLqRdHi0ky0hHOgz/TmZ9eXc+HNVBYr9PJPNcj7zPaFq+Ri6Z4rCkZqq2AmV"
    "4c4NmlR0Y8X3A2Hxm8ruhYbUUqjIzZDG+0K8R2AdWEDNlWvJAbeI6zRIRmK6z62UBtheq3"
    "2P5dN0zTW+KfTNHYErIf8IC9/HjtRi6K0NLfdppRzJKR2oqWYz8hfYklAGO+7QZ2g4e6TU"
    "ZqNVq+EUS2afu7WJUEs7t0vPbuZgssJONzksK3G8GVANdCwZVI/l7XE+kC5VvL7rJ4xXDx"
    "CrRW7yZv4sj6nGizgiogDjrD6suC4eLG4LMOFpu10J6739mu5pH/kGahJ9tE+GcvEKZa2s"
    "6zhp5Q8KwFXkQYqQVohtWqhUbFdu0ROZ47D/FfrzsFiHc7+oP74OJzEv+85F6oEZzIQHag"
    "rX619s2vv4a29euv3/4PHujJ+4w/hL4qvY9Hj/G/ybWlZkT4k0xEvxuC7Q5h4d8i2A5sbU"
    "LAj9TqUsfWRg3VeMU24XuRFjh/TJxHX30bj9YkDoihbCHXj4TLtaJC6CndaHmzlBD7oz6X"
    "dbxbhYkQW9dDXCJsn3P4tFvDOXzaFTqHyS3WLUmST3SsarhSzniW6oDRVvuSQwsw14riPq"
    "2I4j4tR3HbHN+7GGGb524/fmR3H91Ap6KcWpUj2aVupe4ZsEGVKrkuWXTL0H7wAoRV9X+i"
    "51LyAd/QkybBHSekJQsPvhwYXzL1Pj+h8G/HvxglsWZXvclV77rf+bOOL3gXns1xYhBpnW"
    "dznxY1xhvMMakVvcVimxrHSQ0pne21MvlxgCkaZ2blyFVOhOt86o8HH37S+7e9wc2FRlNm"
    "nnWaP/PgjvuE6q43mfw4Gl9faBg8FOlpSmXRxvsyEi5djNJpoSxV63Jwdy+Hgc1VDD1Y3s"
    "DypiqXa9lkGlrVd2tQV8wy0zL+ghK9naQISvTLKdH7VA8ZlZqjHhZVbrF6uIpWAO3wL6Ed"
    "gtoBageoHaB2KCTBqMRlcPgDlzMu+45hYmY9PssIJgWyLSSU4+HtRnmklFooqdWxVKDYVS"
    "t24TrSekvdrp0pnK8KKh47u1TS8lYpjhz9bp38KNbscqmDoNK1WKWzI1EhRoE2lxKo7OBr"
    "qMrtpdJl6MRzGYDT51unKHe7tdDtVqDbLaGb/7ISyFP0VVAEpkDWgpi0Kum5/68pIziX6n"
    "plwvPNaPgxfbxY7KsoixmBudDxh8VLbqSlGHwOKTBAmgEmBmbuBRz9Qry35GkOVz13X4gf"
    "oCC0Zc9mtom/WgDz5pAYdoQDzvNHNLddN3GvyMTGXPY/DobD/vhCS0cgpYun/fFt/3qAdW"
    "tSvDhCwRJZNv7kB7d3/ak3vOpfkzrHTwSCRjEyuy9g7Ae2iXRj6cW83UlYHqxI1qg6WCOO"
    "nexrmSS1wbpv3r57+/70/G1WEiy7UlUJjFP1Kw4C5JpyG0+O5oBroP/x7jCbz2mdCC9xgB"
    "en+LYfPzp2uJCumlkk3VvZzNI+n+F/tFUzM+AaWGeLtGCfVdk+SwRQ+6kRowukwGeV+Rwt"
    "4uWjS+rix4FUq5oSYfsS785qCcxnFQLzWVlgRiGe9NQHbcUBzezQl7YbR7waPkIZrHoQkM"
    "hK1Z5RZBALXxlicdXzPA2UPa/WzhuUPV9XlCNF+KQ0EB4pzPninCf7gjuXBrdIBsAKgDWe"
    "MAJzjmvgg+MZ1eDmSAvwzgjt3gB+vS+IK/C7Ht1f3vS1u3H/ajAZrDaSTASiN1mtY9zv3U"
    "C8F8R7QRnt1nGdo5GUCg6uG79JRrGUCCGQpTqQZQ0Y5wyDPAUmiKU0uZg4ljGe9OPB1bRe"
    "zn+YFoouGC2h4jRT2A2F4fa1RukgbYUoROYOCtlOklHaChJULq8NFam//fu2taRJ5e22Ag"
    "RVkF+yZkv+0BPGbGZn4qbATT07hjcXQR5kp3+oGa6lRcgwF6RysIEZSCSjKNQe0bNHbi2Q"
    "lrzgb6HmfcFcLVc93n44TtToL6vfRW8TYezfEEeqUhypyv28OebnbCpKotwRNfHuTSYDrB"
    "qSNt7s2C8eB4N102Z+zhwd2BhUsTHUsSytTgC5jY8hAtsCVGQ8oKlmfbRvaaZpXVevVwVD"
    "DbNK+clGxWkL1q8jrdKxsu5wdIG13UesBuQMTLvN38pL4jRXBSRxpSRxyOhqd0aXWvhCTt"
    "dFi1KKPDeSzOXKkQDg0oBTrLg7yWarSUp7QNgjPA1kDSafBtf90YX2ZFvIe3AJLPjcxeM8"
    "uD/cD36+0IhVPjGffBze9lP7ydxNPREvb0DxAosnRQtDzLLnIbasGFu2RUwwRALXAZguM9"
    "lYd4YI4txrxbmTNKsAPdnoC8dRtik/a024t+ysMt7ZlaNNz8LQefTTDM703gR6nhJQl0Dd"
    "eDJsCoFuzCIU6JbxLLNvi8hh7+ZMb+WTPts4wSH8WjzF2+skg/DrtnG9Tvg1uEb3UJSRGs"
    "ylizLmqaDQJfhHX8I/Gq6Dg7dEtn6YsZoTtkady/yCZaDFn6AN729u6uUH+IFHZv5OQt/v"
    "cmO1ZEa/WMjykcxLNSKWjwWsfcYnpFseJ0AhtxuKIxTy+R1QYhYCEiAgoWlAAniodlfcDh"
    "REUGYUEblrKDN1BO7DppqCZMTkUnKEIzbTUiwfFVI7dx3FGUaxtfqG1ZKEQE6l5Ca8/0Ux"
    "Z9nWCw9aUx+u0DOenViLkkS507uaDj71L7SE+sG9Gt3e3fSnpKKw6S19sudZD+71eHR3R6"
    "5Zgef75MrkfnLXH16Ta2Ec+gh/mCKlh0O8nszGgV1r6gOGds0CJM24D+M+ZhuhfHDvej8l"
    "0Vu+8Uy2LMKey8nVeHA3HYyGhEOPGS2+N+19+IAvpjmqL8+yZLNt5A8qkIJDSBWHUB03IJ"
    "6CQTM3IEsJZWDV8fqVuZydI02c/AVa4LTKnHaMMNKpJGFHzw24zaMHjqvM8dSfpPsIi01u"
    "JFu0UkAPlSvrVK7M9saVkUG6HmvFCGCcLBonIy8ynMZQC6gBZj7MZGfXiVoZ6SHCb7Rkol"
    "6rhgDA+SWHy/BOlobjbCjl3BhRxY7kFaan3XfnGZzkjyokJ7e9mxsOnIK8BHEWnzAh4SjT"
    "Pw6dxZeg17Snd54UJE2VJU3wDe4+eDRxQsgGjzJUAOqGjt5rR8+WHteW14Fhp9Xm6FHwZG"
    "/vyZarLZ0oLzqEkNYPkQyQ7wXbFgdOQRrTwdoE1f4LOGUTTFjIKT8FNxV0Yub+rkMCEBOZ"
    "kLwQogIgKmBL37LrRfrKWyaJdYfem/bGNBogNw5pSazfjUcf8fkxIZVYs3XBjx/o1OLY3u"
    "MCwNn4l1ATwdn41+D0diZiMA7XjMimS4LknlV5+KptxcJBWoP3LgzH1PmNF4lNgZKf0kL6"
    "1qC8s1kN5QfEUB9ntBnnxKjo1iNp8SwRgtGzuHcl6rEcrAwRQFptR2atA1uaPFvZbupVwe"
    "xZWrWbbcpOlmezJcCt6w1XBJdZuyrVbS8YSzlmv7I5VWz2y8LTcobczS2deprp2Hje/S3U"
    "EjrNtl7hfy7R8hEFyNJCT4sWRqQZ+CLmB76yeg4fZqHm4rtEiiiaTXY5bg0LZEJKWAxGSK"
    "WMkGvGlMAWp3UzRC1M7T5/W8NeeP5WaC8kt4qBJSaynxoGljCkoCaooibUSUoBNQFkWlXF"
    "rpoy7cuIXr0oQks/6rnhFypRlCQv9oFKwctIHtUN+uxe/K2rV5Ch8c2QDgKSjlKSjm88O5"
    "7Bgfofk9FQkFCyJikeu7YZaf/RHDvc2w6Rw/wxtp3IdsPX5LUvATuBiDlxS8G2xbjaAn/I"
    "AMVg29BoJhDl6VooDR2J9FPLreZ75FfpBjkPeKWwq5K5SqQN87iOx2u6izwum+QDBVhn4C"
    "yrTYXHc4TNyo4fD9Q7LDo+Q8giMk8Zb3GWRp4Gmi1Jp2nMA4N0NH58llSqinRQrJiLq/yR"
    "zBBCpIvKR3KqDMmtHJYKbBGFhZPqfJKoFsgA1moTT07J3tK+Qwop99ajHSe4Gw087KLd7L"
    "HMLBe7AfiH3HAtRbiwgFUyoNFa4Ry7WVpDXGwuy5Uqh2LO7bWHQTHnfRdzhu7H0Iy3Duw+"
    "2WLt7Ftqp9TcjUnBzav+hZaO8OB+HPdoHc1EI+s0WAq7T5bxSR9gd66HJhYjynypjvcuER"
    "8uAvn8CAK9ae6BYy/tqEEnXj5xi2qw7CzIm6yQlTgtA3CRDKCt6ko6C7ylrOWpTA3mJ6XN"
    "Txm/YjeyOd1/67I7Iwd+q8zvcBHPZphdqabMK19Q5Zbi0kNTXAn/VIpg0ja7Kf45akBfAv"
    "2kLJjue45tPjfVSUqDHFA5SXp950yvUkn//U/9MWYAekLBg9v7MO2P9d502sdbyoXGjJze"
    "xdrcpJ/eMx0vKabz8joM1qdM1CCRskR3OPXl9FgyKH28g+ih/TtHNxSrhXkaEKuhB70qGz"
    "70oBdP8fbG+UMSeNu4ztFuoAd9y5O/FRMJ9hJEAaUu6zr3JTvQHz7fW83pukW6t1z7ecM0"
    "vSXGzBDZNSQ7q/fy47VoXvPC/3YBV+vip7jBUDtAqoWBUOzOZz8RE0cYbg/XDR5qkozUng"
    "1wr6VpyzuXIOirtL1VR4Dp5e1110mTv61C0dKy5pAwqVSAGPqKX9EgqqBEBzXjuFEbS/yJ"
    "tu/YSfpy7cQ4Du0hO5y9OdYOZ8m0bBDEUSaECV2c0PTEkE1+yEjACgLNVA5uCEmljx1kOh"
    "wvpDUyHLJVutkEAv1paqJapz/Ny6WNpJq9SJFYK/6bVIjcmblv5YFODFK6DtQItdSIFVfq"
    "y1trgsPJWUfk2Fe9bUh5EttsrxuZACJxb5DJ/eXtYEp7g4Tx49KOaC+RYb9/PdFJEsRg+J"
    "EEHiEr1EkuBOaQmskRCnUSUW3lHK+nuBwgYCHDcmyX43irZnKeDiKdVeZwtgs1WcoFWuC0"
    "ypymYamkjAz/EBaEfeSJ2tCbed8HYy63niPtiIv2FenUqNxH3teayn1JMoDuBdaqnGZd3p"
    "QI1WBOu8oq8rNsKzwKotRaqLDH8yOQbU8eY4bqkP6ak2P111S1CKuqG1nVFAxmNBdpIwyl"
    "kwTWRFArsnZyABTYa792AK5QcIWqCCq4QsEVqiCq27lCc4HN6+YOzcNPS00lWgL63iNQsx"
    "Bngc84HwK9wWnMBF5DAcL2OoYj9JWzP4rr4qXPt6L8YJXECyXx5IHvTAbDjzd9/er7Ea2I"
    "R2rGOUg3Fx4ti3d7fzMd3OXurwJo109Mx/d9/UPvhlSfIMtNp1/14E6+H42nem84+ZFUsg"
    "gXpPFdctY8uFjv648HV+R7lyiwzQe3P5n0frrQUBga1ND/8mb0pI+GnAklI4HA4hrmE2rN"
    "LgMsjG/Jnocw4qJ9RFijaJNLQSFnQqs8PclOp39GHF+nmCcslRpsaZWPB331HSyOy1YWLp"
    "BBZWFpMQqqu4jPguOs81GnuguYdMH6+NJ2so3WRzCSqWwkI4nt4ma2ubuvqgxkNNN+j21s"
    "fSOIbNP2DZdpZatTTpUSK37phOtUfd6zYFx7MeMadKTac6MvOstLyAqV/jIhJLfwqidSa5"
    "yMrrmmOLye+TLTdS8aZYBMZDfrx1wgbaFqcySqTK3wFCze+SQQfSlVAoEhgp2Lt3M16rq8"
    "dctl1WA9TBydyKlRUS5a4NKAyUvhWcv9kgJjmRJkxmIEW6IkyUawMVQAarUNKaeIbmlGkq"
    "tApyi4m6OumNm1OZytYBjYAcZ37Igtxbm8PapU7IOanaIIuRbll8gwtX7i1WbjFPvwJvtU"
    "Z+QiDT+DInOheTPNxyseYWLNdrVogbTA85baN4YWhyjQPHzti4ef8Uw8fVGoLYyQXgm8L+"
    "G3rzsFzu16bAgoU+AMeFVh8yKMlDxlcyT7PWJLgCt5wua3/P/HInMjewBDCNYApa0BDppF"
    "DVicI4NkJJX5C7oH6B6qycR1dI+Xk4dvSezuXCgMp7c3S8LL5Mn9pzEwbthcmBG4YF9WHP"
    "2Mf18Z53oh9ymt0iH3GJvphWYujOjB/eEen1WD0fBC+y2X6iMb/v6+RvT7e2Hw+/ti7Ds+"
    "GhdeoNM/uYwQhK+yZCrzoL7FmMG5e3JSA2n8lBBreq+QYgL5PIcLRI39J0+uLH+OAhIPig"
    "6QhW1ZyNUfn/WFF8o68crE0DFTwpmXxLNJFyDJkwHe0KEUVH/EE37kZH2GCBR/8OSCNaUF"
    "1pTytrADeFtel4TZCZtnXCRS97YpF2Qq39ORWoT43vMt8iEGAnNeIQphg0kv583fS/pFbu"
    "8jjknoZKGWQc+yQ98xnqXtSUW6Vhg8DmBQAg/0X0BNEZTSFZqxREV0wYhFNhJkfJbBMiMA"
    "MAXx/BitmBfzKMS0RAfQ8g1+3AyUS3suRJYhaw2qf+92T0/fdU9Oz9+fvX337uz9SQZv+V"
    "YVzpeDjwRqZiMvY//ZNj83OlMZQgj6UflIXRiupeOfFjZidJkauK0yt8EouQdLr8qhxEcC"
    "J9h4X8zGG4fcnvJg4WVQzS3YF66ow5Z/aQncezfvputeYNrNbQsbzLqr5QUFp1tuv219QO"
    "YP94OfSQCm/fuDe9OfTEg4poMntxLBmJEdOVJm84xAZcxVs5dj/CwplBmig/WEPhjQdepp"
    "i8tp87o1R43rqGfEByy86niPSctRmX3kZnR5+RPeOgjtgzu+Hw5pN+0gdl3aRzsN9tZHd/"
    "1cxLfu+cjN3b26GU1Iu+3sftID9cHtD2kbbuQq04Ubmo3u4mzeS2UqMw4C2iBGsuJaie5w"
    "JuPv3uxrb9t5vXXkhg1shHk6sA6qbB2kW24TFjOEwGOVeRwi/OOsUPdRkHVPktgoReSH2y"
    "+7x+K5TMqINQVaQH04nN+cnBwL0qGPkKU/em7Ms61V5YUUKA+YGpJqOUebGRIu8MaDkbVQ"
    "8OgZgWxGDo8c4JdIzCEhI/jIDWkVpaUvX0ySQw+pUTILIEK+tKLBErUmMGWHYWkYH994dj"
    "yDs6OIdesinRq6dav6CEEqoHgVtLedTRgZQTOus5SgFaqsFVLragMe5+mAwypzGMt7QYgk"
    "w5QYIghUKtaBwLclAc2RAJwFOBPnsySgDNEWkB7PziPVgOaFWtG1Bs2KuMRkbyxjKx05d5"
    "UNdJzLfmPsHHOKbA5IPGyLPzWnauMOf/j92vD+5qbD2Vp3AOpNNlA7YWWOkxrA8gtAQfAs"
    "i2pO6oHg2d3DzebLMTX1t0SKGauNaOXrrm6HVa7WaxuBKlaz2A6sdvbz2HsQ+6qqiyCGfV"
    "3zZUMIe664Y72eGwmB5qMg6X9huFYWp3dB22MkrCH9LzQLmTYe45XmepFmaMQyyu+2sZNR"
    "uaVRluu1mOZtQHUUpaLrIWVup4r+asJLIspSAajV+n5uU9lBHmL7xIWi0M/OLpUq9/dQYJ"
    "sL3jG6ulN5hBrrZ5RJ/xKGG3CXNifMYMXA7Q6mfTpYdxJmID6PnrBmyY3PE+fC5EjamHN0"
    "dlYn5+jsTJxzRO4VarngRSWB8OrxFqL7plZG15uKjK435Ywu/EasrnPMURX90Nck0BBdMj"
    "SmJCoc8jD787+tAlkZ"
)
