from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "sent_mail" (
    "key" VARCHAR(255) NOT NULL PRIMARY KEY,
    "message_id" VARCHAR(255) NOT NULL,
    "recipient" VARCHAR(320) NOT NULL,
    "template" VARCHAR(64) NOT NULL,
    "sent_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE "sent_mail" IS 'Written after the server accepted the message: a retried job finding it sends nothing.';
        CREATE TABLE IF NOT EXISTS "certificates" (
    "id" UUID NOT NULL PRIMARY KEY,
    "number" VARCHAR(64) NOT NULL UNIQUE,
    "student_name" VARCHAR(200) NOT NULL,
    "course_title" VARCHAR(200) NOT NULL,
    "instructor_name" VARCHAR(200) NOT NULL,
    "completion_date" DATE NOT NULL,
    "file_key" VARCHAR(512),
    "issued_at" TIMESTAMPTZ NOT NULL,
    "is_revoked" BOOL NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "revoke_reason" TEXT,
    "course_id" UUID NOT NULL REFERENCES "courses" ("id") ON DELETE RESTRICT,
    "student_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    "enrollment_id" UUID NOT NULL UNIQUE REFERENCES "enrollments" ("id") ON DELETE RESTRICT
);
        CREATE TABLE IF NOT EXISTS "stored_files" (
    "id" UUID NOT NULL PRIMARY KEY,
    "key" VARCHAR(512) NOT NULL UNIQUE,
    "original_name" VARCHAR(255) NOT NULL,
    "content_type" VARCHAR(127) NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" VARCHAR(64) NOT NULL,
    "purpose" VARCHAR(24) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "course_id" UUID REFERENCES "courses" ("id") ON DELETE CASCADE,
    "lesson_id" UUID REFERENCES "lessons" ("id") ON DELETE CASCADE,
    "owner_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_stored_file_owner_i_087e71" ON "stored_files" ("owner_id", "created_at");
COMMENT ON COLUMN "stored_files"."purpose" IS 'AVATAR: avatar\nCOURSE_THUMBNAIL: course_thumbnail\nLESSON_ATTACHMENT: lesson_attachment\nCERTIFICATE: certificate';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "certificates";
        DROP TABLE IF EXISTS "stored_files";
        DROP TABLE IF EXISTS "sent_mail";"""


MODELS_STATE = (
    "eJztXf1z2zbS/lc4+uXamTSTyLGT8/vOOyPbcqo7W3IlOb22vmFpErJwoUiWH07cXv/3Fw"
    "BFiSABiqAoiWJ3ptOJSS5IPYuP3cWziz86C9dCdvD6PkB+51z7o+MYC0T+wV1/pXUMz1tf"
    "pRdC49FmD0bkCXbFeAxC3zBDcnFm2AEilywUmD72Quw65KoT2Ta96JrkQew8rS9FDv4tQn"
    "roPqFwzj7kl3+Ty9ix0FcUJH96n/UZRrbFfSe26LvZdT188di1+/vB1TV7kr7uUTddO1o4"
    "66e9l3DuOqvHowhbr6kMvfeEHOQbIbJSP4N+5fLnJpfiLyYXQj9Cq0+11hcsNDMim4LR+d"
    "9Z5JgUA429if7v3f8tPy31mK4PR1N90p/qekcBO9N1KO7YCSlQf/wZt7sGhF3t0Bdcft8b"
    "f3Ny9i2DwA3CJ5/dZHB1/mSCRmjEogz0NcpoYWA7D/Tl3PDFQK8EMliTT90NyglAO4C0sz"
    "C+6jZynsI5+bN7+q4A40+9MYOZPMVwdsmIiMfJcHmrG9+jeK/x9Ywg+OL6lj43grkKzjnB"
    "evBOLqwBXw/pvSP+9s2bEoiTp6SIs3s84jPyYp39oYA2J9RCpLulkO4WIN3NI+27tgTkvh"
    "MtGNAD8k2GY6Ic4InsrrDOT9ZBGFnICRWn507v6nYwPNcMa4GdB2cwnEzH95fT0fhcwxTv"
    "yAxd/8GZTO+v+sPpuZZ+i+poOCszGM7kY+EsqyAc6GTZxs8CLV24RAGGI1lM03IZDT0SwV"
    "0Nh0Rp+109L0ajG9ryIgh+s9mFwTSD8f3tRZ9gz6AnD+GQXR4MpxnA2eKoPyMfkxdZuhHm"
    "gb8imIV4gQpW12wDGQ1YyxZeJ/8ooY4lsk2ZnAq0MR3c9ifT3u0dp5Kr3rRP73TZ1ZfM1W"
    "+yg2LViPbjYPq9Rv/Ufh4N+1kDafXc9OcO/SYjCl3dcb/ohpXGJLmcXOJ0bhtBqNvuE3Yq"
    "6DsnDLpusq6pBn53HSXTIi2zP8uicz+93JUnwi9bZ2Ws5jO50XyWt5l9d4ZFpsU/JqOhxF"
    "pei2RHEDZD7b+ajYNwZ1iv/cDHCNshMQxe09cewhWkEHGjKQH6m9vev7I6uLwZXWSHCW3g"
    "IqOQxczQkUMhEvjkhZZERnKPtsTqytEaExS7AJk+Eqwq8umGl6o04TRsAdn1dEMR85BjkW"
    "+oiHdeGnAvhzuzf4IQeYJ5BT8NnFAOOieawRs7ZSb7puH9RD/iu793uycn77tvTs4+nL57"
    "//70w5sP5Fn2wflb74umosFHOqlw+sjPMqTHUoQq2K68ZA2Ga+NCKOQHWiPHfln2lSOxZJ"
    "fdutCQjTyrotZ5SdB6U7Qu8F/Y19P9ldnnVOyfXng0zM9fDN/SuTvr7hGgICCwBYJZeSl5"
    "/c8xsg2Gbb4bLLeYelE4n8QtHWE/+DPp+cnVdX9YA0X8Op32cz10P6Nt8Ro5aEramtKm2g"
    "qY6UY+6V16aERPc8Hko4LXJWurrUgFoTGbkYl2iVgdUE1ok23FCzm+a9sLRGW2wqq/aqit"
    "UP0W4d91wzTdBfnJDI0tIfuBNNhLt9du5MIQLbxtuxnDLG6prWjZ+BnpC2IBGE/bTmA3pK"
    "nbuKVWo+UZfohN7NUxKilmd0l77Z3N5sRIJuskg68ew5UC13LD1USkX8ywSX7WtqbFuqW2"
    "gkW3FrZEaRK6PrKul3sUbQGJ+pJu15V5l/lbi+4ie8VwyJxuLd9N3yTwHgX8xYxzKacxEo"
    "d4zs0LG+mMHeKIaQF+cr7DjubS/5BmoWdsIvKz54hILbD9oqFn5L9ovhtSRWo+mhFHfa4x"
    "R1B7RLbrPAXkr9edDMT1tv7gPDjE8iI/L74XaBQn2hD2teWv1r759dcAW7/++u3/kIae3c"
    "/kQ9irkvuk9Yj8m15baEZIPslE7LuBvrmPPaMt6JsQvZUCfqRxvDLRW7b1QUZsFb1nZUHz"
    "x6R59NXDpLUqzDJOsoVaPxItl+IZsVW60vDmJYFN1nwt62S2CmIjtiznICfYPrrBSbcE3e"
    "CkK6Ub0Fv8RjdNZ9KJq+Eo0Tt4qT3y93Zlh2ZgLpUXcFKQF3CSzwvAAjaHHGEsInAcP7L1"
    "82VYV1Rzq1IidfpWzV0DNrhSuc1wHt08tNeuj4ir/k/0kktnEcd5krTK44Q0F+Ehl33jy8"
    "q9T3co8tvJL0Yxe/GyN7nsXfU7f5ZhF9SxVz6OAyKt2yvfZUSN4xcIQmpZ/oE8piagPUCS"
    "cHujTF7kE4nKuX4p8SanVnY+9ceD65/0/m1vcHOusSSsF51lZD044z6VuutNJj+OxlfnGg"
    "EPhXqSpJuN8R7GwmWDUTnRmJdqXVZ3/XYYxFzl0EPkDSJvTdVyqZhMxah6vQH1hkVmWqZf"
    "cKK3sxTBiT6cE71L95BzqQXuYdbllruHS7YCeId/Ce8Q3A5wO8DtALejQRZMk7QMG/6g5Z"
    "WWPdswibIeX1QMk4zYFhbK8eh2oz2SS1ZV9Op4KXDsih27YM203tK3a2dS8KuMi8f3riZ5"
    "ecukWYF/t06nlXt2qWRUcOla7NLhUFbaU+LNJQJN3uCr6MrtpHZqYEdPKgAnz7fOUe52S6"
    "HbLUC3m0M3/WU5kKfoq6SsUEasBZy0Iuu5/68pZzjnKsWtjOeb0fBj8ni2fFzWFjN8c66T"
    "D4sWQqalHHyBKChAWQE0DfPJ9QX+hXxuScvsrx7zrhDfQ4lxC89m2CRfLYF5MyWGb2GP/f"
    "wRPWHHibdXVLgxF/2Pg+GwPz7XkhZoMexpf3zbvxoQ35qWww6Rv0AWJp/84PSuPvWGl/0r"
    "Wjn7mUJQiSNTf0lsz8cm0o2FG4lmJ2nBuaxYpXpzlTT2ZlfDJK4213377v27Dydn71ZF5l"
    "ZXimrLCerIRb6PHFNt4knJ7HEM9D/e7WfyOSnD8JITvATl3L3o0cbBXLkOa1Z0Z4VYc/P8"
    "Cv+jrcO6Aq5CdDYrC/HZJsdnqQGKnyspOiMKem6ynsN5tHh06EkLka90+FFOsH2Jd6elDO"
    "bTAoP5NG8wo4B0erYHbUU+y+zQF9iJhLVnpDZYcSNgkeXqh6PQoBG+PMTyOvppGSikX+yd"
    "Vyikv65RSMs6KnkgIlHo89k+T+cF50kZ3KwYACsB1ngmCDwJtgaubdcoBjclmoF3RmV3Bv"
    "DrXUFcgN/V6P7ipq/djfuXg8lgOZGsTCB2k/c6xv3eDfC9gO8Fhdlbp3WBR5IrMLg+SlCR"
    "xZITBCJLMZFlDZhgDYM8BY7EkutcHI9lTDr9eHA5LZfzHySlxzNBS6hhzhV2Q0GwffVa1k"
    "hbIQqQWUNp5EncSltBglr4paGiFd1/37a6L63l3laAoK421NVuSV3thgXeD1IEKG1FSUnA"
    "KyNrExNYX9l1m6tqD1bmZKAZjqWFyDDntBS1QWYEamqHgfaIXlx6a460+AV/CzT3C1Fqvo"
    "z29s0JaMi/LH8Xu02t+38DMblJxGRijVQuQ5TI7pFpsuqKiih3BkPiXN1fTkdjSqxKOvqD"
    "05tMBpNpbzg91/i2D06sMiyr2sZ5Sg6CVk0JWpUJVS5XALWJjxOCYBWU+Nxj7G+9tG8Z92"
    "vdwYOvMpE/bpSKs9ey3RbCqUda9mUZLhT4AutAotwNSEUs600ITFviLPkJLPFGWeKQItju"
    "FMFm4QtJguctylFznVAxOTAlAoArA86wEs4km6MmieweYQ9JN1ANmHwaXPVH59oztpD74F"
    "BYyLpL2nlwfrgf/Hyu0W2eOHzycXjbT+InT06ytXX4AIrrWyIrWspZXD0PZMUsWXELkjlQ"
    "y8sAzIaZavIEJwSJE6USJ2jeno+eMfoi2CbblPC3FtxZul8e79WVo833I9C57NMMQffeBH"
    "paElBXQN14NjCDQDdmIfJ1y3hRmbdl4jB3C7p347OI29jBgc8v7+Lt3SQDPn/btJ5gVMTn"
    "h63RHVT5ZAFz5SqfaSmonAr7o4fYHw3WbPMtkS3PW29mhy1RODU9YDloySdow/ubm3IJJ5"
    "7v0p5fSy7FXaqtlvTog3Hgj6RfNoMCf4xgAal7/6TuZFkQkDhSK4acxZFOqoK6zkDaANJG"
    "VdIG7OLVV1ESnGhw+BrilpRw+Mo4JfvN7wbLiEtgFhhHfHqz3D7K5FPXzXQNwshafsNySA"
    "LZtVF2E5n/wkgwbMtRqNbS+6uuTnon8TQVUe70LqeDT/1zLZZ+cC5Ht3c3/Skt4226C4/O"
    "edaDczUe3d3Ra5bveh69Mrmf3PWHV/RaEAUeIh/WkHrfARlPZmXy21p6j/S3mY+UFXc97h"
    "O1UckH5673U8xw84wXOmVR9VxMLseDu+lgNKQaelzJknvT3vU1uZjk8R5eZfFkW2nPLCMK"
    "m2ZN2TQrs1VKuqBfbauUl4Tay83ZGc1rebWOVCFCZGRB003WtG0Eoc4sCRy+VNC2SB403m"
    "SNJ3tuuoeI2eSEqpViJfJQLrZMudjV3LgMMigXQS5oAYKT2eBk6IaGXRlqiTTALIaZzuw6"
    "dStDPUDkjZYKM7ioCQBcXOc7D+9kYdj2hvrplRFt2JK8xPSk+/5sBSf9owjJyW3v5kYApy"
    "R3Q57pKE3aOMoUmX1nOsboVXIuMqJgaTbZ0oS9wfoJtvEmhCrBlpMCUIs3XFMbPVvuuLa8"
    "Vg7frTYzbGEne/udbLWC7rHzogPNtjwz0kee629bkTsBacwaaxNUSjQAYcVlObIjB01d8r"
    "+6yy4308QTY6tcE2w1HqW1wdIjdlONMG6qqJtBgTgiR/xCIFEAiWLLrXjHDfXl5qIi1h12"
    "b9obM/JEqh16bLp+Nx59JMvthBb3XY0LMd2iU0pjO6dRwN7sX8Krhr3Zv4amt4uoQyy9JI"
    "GdDQmazli0IVocWpc20hq864izM64AGSSYAaXepaXyrUG5tl4NFS3kUB8nOU+wYhScKKYY"
    "IM4JQow4O3fF7rEarJwQQFocduejA1tGiFt5JN6rTJQ4N2o3h+DtVVrSlgC37vzKLLjc2G"
    "3SUQCZ2LIg7JePPsvDfis2XyruvfmUsJ5m2pj0u78FWiynYesV+ecCLR6RjywtcLVwboSa"
    "QS4SfZAry+fIYhZoDrlLrYhs2KTOdktEIGNRqmIIQjYqCLlWTA5seRY8J9TCTPizdyXihW"
    "fvpPFCeivLwzERfq7Iw+FEwU1oiptQJocH3ASwaZtqdpW0aQ9jevXCEC28sOcEX5hFkbO8"
    "+AcKDS8jflQ32LM72W9dvoI2TW4GrBGwdBpl6XjGi+0aAqj/MRkNJfk3a5HssovNUPuvZu"
    "NgZzNECvPHCNshdoLX9LWHgJ1CxK24OW5yloac0Q9tIMtNDoxqBlFaroXW0JFYP6W21TyX"
    "/irdoOuBqLp6Ue5bTrRi2tvx7JrWkfaGafqUT3wGwbDaVMs+JVitkv3xQF1jHfsZQha1ef"
    "J4y5Na0jJwfpdyVsuTb9BDsh9fFJ2qrBzUvxbiqr4kc4LAdGnykpw4Q2ojh5eCWERm4CQ+"
    "nyKqGTGAtTjEk3Kyt4zv0NrcvXVrxwnuxgAPP2g371iuIhf1APxDqrmWIpwZwE0KoLHy84"
    "K4WVKWXh4uS1W/h9rX7Y2HQe3rXde+hgO14XznMrB7dIrFq28pnVJzN6b1SS/751rSwoPz"
    "cdxjZUdjj6xTYSjUnyzj0aOlnSc9MIkZkddLMd87J7w/BvLZERC9We6BjRc4rHC4s1i4RS"
    "VraiN50xGyNKdVAM6KAbRFB93OfHehGnnKS0P4qdHhp5W+IifEggOly6p7JQ76brK+g3k0"
    "mxF1JZ6yqNpD0baUUB7OWVbYn0oQjE9ir4p/ShrQV0A/rqKme66NzZeqPkmukT06J/Hx8a"
    "nQq1LSf/9Tf0wUgJ6R/+D0rqf9sd6bTvtkSjnXuJaTu8Sbm/STe6btxrWHDu/DEH/KRBUS"
    "KXNy+3NfTo4lg9IjM4ge4N8FvqHcLUzLgFmdBxUHuhc92jiYi4g3m6ggnChM+AoTvumjiu"
    "nAvGQLmW0t5vlDEnjbtC7wbnJJ4FB1tV3J3w0zCXZCooDKoGU390uccXnYfO9mdtct0r3J"
    "F2jD+5ubchVXDdN0FwQzQxbXUKgiyghB6fZa1K9F9L864Godf0pIhqoBqRYSofiZDz/TEE"
    "cQbA/XDWlqErfUnglwpwf65mcuCekrN70VM8D0/PRad9Lkb0sqWlIFHhImG0UQQ1/JKyqw"
    "CnJyUDNOyNpYkE/Eno3j9OXSiXEC2X0eCPf2WA+Ei7tlBRJHXhA6dLZDsxVDNflhJQJRED"
    "h7Zu+BkMT6qCHT4XghLZHhsBqlm0MgcJxPSVTLHOdzuLSRxLOXORJrx3+TC5FaM3ftPLCO"
    "QUvXgRvRLDdiqZXy9tZaYH921hFt7Df92JB8J8b8WTcqBCL52SCT+4vbwZSdDRJEjwscsr"
    "NEhv3+1USnSRCD4UdKPEJWoNNcCKKhZiZHNOgkkaaNnOPdKc4TBCxkWDZ2BBtvxUpOywHT"
    "uckaXs1CVYZyRhY03WRNM1oqLSMjXoQltI+0UBuOst71wpjKrRdYO/KifVm5ZlTuo+9rTe"
    "W+OBlAd31rWU6zrG5ygs1QTrvKKoqzbAt2FGSptVBhT7SPQKc9dYw5qX3u17w51v2aoiPC"
    "iupGFh0KBj1aiLQRBMpJAmshqBVZOjkACuy13zuArVDYCm0iqLAVCluhDUR1u63QFLF5fb"
    "hDdfpp7lCJloC+cwbqiuIs2TNOU6A3bBpzxGsoQNjejeEQfRXMj/K6eMnzrSg/WGTxQkk8"
    "deA7k8Hw401fv/x+xCri0ZpxNtLNucvK4t3e30wHd6n7SwLt+onp+L6vX/duaPUJOtx09l"
    "UPzuT70Xiq94aTH2kli2BOD76L15oHh/h9/fHgkn7vAvnYfHD6k0nvp3MNBYHBAv2HD6PH"
    "52iohVBWIkAsLhE+YdHsPMBSfsvqeaARZ+Mj0hpFm7YUGrSZ0Kqdnnim0z8jwV6nXCe8VD"
    "PU0qo9HvTVs4k5rlpZOCMGlYWVzSio7iJfC46zzkeZ6i4Q0oXo46HjZBujjxAka3KQjCa2"
    "yw+zTd19VRQgY5n2OzzG1jP8EJvYMxzuKFudaSqXWPFLJ1in6oueheDawYJrcCLVjg/6Yr"
    "08h6zU6c8LQnKLqHoii8ap+Jprif37mYfprjvxKH1kIlztPOaMaAtdmyNxZUrRU4h551Ei"
    "+kKpBAInBDOXaOaqdOry1kcuNw3W/fDoZJsaBeWiJVsa0HkZPGu7X9FgzEuCzZhlsMVOki"
    "qDjZMCUItjSClHdMswkloFuoaCu5l1xfWuzXS2TGCgBozv+BZbinN+emxSsQ8WdgpD5FhM"
    "X7LA1PqJV5uDU/zDm+JTnZGDNPIMCs255s40j4x4RIQ17GjhHGm+6y60bwwtCpCvueTaF5"
    "c845qk+6JAmxsBu+K7X4JvX3cymqu7bSCUNWANeFUQ86KKVFxlUyK7XWJzgDdyhU1P+f8h"
    "JnOleAAnCNGARkcDbDQLK6g4JQbJSE3WL/ge4Hs0zSYu43sczh6+pdzdJ6kxnNzebAkv4i"
    "d3n8bAbcOmaEawBXtYc/Qz+X15nMtR7hPZRlPuCTbTc82cG+GD88M9WasGo+G59lsq1UeV"
    "/v6hBPv9g5T8/iHLfSdL49z1dfanUBES+iov1mQdlI8Yczh337wpgTR5Soo1u5dJMYF8nv"
    "0RUSPv2VUry5+SgMSD7AbIHFsWcvTHF33uBqqbeHlhODFTYTMv5rMpFyBJiwHecEIpuP5I"
    "ZPyo2fqcEDj+sJML0ZQWRFPy00IN8La8Lgk3E1bPuIit7m1TLmhXvmcttQjxnedbpCkGkn"
    "BehoWwIaSX2s3fSfpFau6jG5NwkkWzAnoWDjzbeFGOJ2XlWhHw2ENACXag/wJuiqSUrjSM"
    "JSuiC0EsOpEg47MKlisBAFPC5ydoRSLOoxTTnBxAKw74CTNQLvCTFFlOrDWo/r3bPTl533"
    "1zcvbh9N3796cf3qzgzd8qwvli8JFCzU3keew/Y/NzpTWVEwTST5OX1LnhWDr5aUElReel"
    "QdtN1jYEJXcQ6W0ylfhI4IQY78FivFEgPFMeIrwcqqkBe+CKOnz5l5bAvfPwbjLuJaHd1L"
    "SwIay7HF5QcLrl8dvWEzJ/uB/8TAmY+PcH56Y/mVA6pk06dyPImCEObaWw+UqgyZg3LV5O"
    "8LOUUOaE9nYm9N6ALlNPW15OW3Rac1i5jvpKeI+FV233MT5yVGUeuRldXPxEpg4q++CM74"
    "dDdpq2HzkOO0c7IXvro7t+ivGtux5yUncvb0YTetz26n58BuqD0x+yY7iR05hTuOGw0TrW"
    "5p1UpjIj32cHxChWXMvJ7S9k/N3bXc1ttddbR05QIUaYloPoYJOjg2zKraJiThB03GQdB4"
    "j8OCvQPeSvTk9SmChl4vubL7vHsnMZlxGrCrREen84v33z5liQDjyELP3RdSJRbK0oLyQj"
    "ucfUkMTLOdrMkGBOJh6CrIX8R9fwVTNyROIAv0JiDqWMkCU3YFWUFp56MUmBPKRGqQyAEH"
    "nKjgYv1BpiSo20NIKPZ7zYriGYUeS+dVauGb51q84RglRA+Sho73E2QWj41bTOS4JX2GSv"
    "kEVXK+g4LQcabrKGib3nB0iRpsQJAVEpWweC3FYENCUCcGbgjDefFQHlhLaA9HhmHqUDaA"
    "50FF1r0CzgJcZzYx5bZebc5aqh4xz2G7lz3CqymZC43yP+mtlVK5/wR96vDe9vbjqCqbUG"
    "UG9WDbUTVm45KQGsuAAUkGd5VFNWD5Bn64ebz5fjaupviRTXVhvRStdd3Q6rVK3XNgKVrW"
    "axHVjtPM9j5yT2ZVUXCYd9XfNlA4U9Vdyx3JkbsYDmIT8+/8JwrBVP75wdjxGrhp5/oVnI"
    "xKSNV5rjhpqh0cio+LSNWloVlkZZrMdikrcB1VEaxa6HlLlaHf1lh1dElJcCUIv9/dSkUk"
    "MeYvvMhazRz/euJlXuv0TE+phh0xCvpenbhYupuX4Q0sFavmA50eJRlCcrz5VZS9STwbEZ"
    "5/3lybwrkyjzTp4p8y6fKhNZlH+vWi0tKwfZX+Wyv5YhWeU0u6wc4F0Ob0xfGJlhhQMmBK"
    "KAetlevvCIzUFTrixhKh4lN8g6ek60iN9whPgXwE0JCxkoZ9hG+mf0otJz0zKVumzDNhH4"
    "Hnv6tluix5KnpD2W3cvME0EQVSLicILAsGsKNacMww4Huo+e3c9IlULPCwJ3W4G7vcStwk"
    "DjJYHz1mTOW6wrMkgM4e63/LSpnGAblq8ize7i1ClgHNZ/psjS3VUs38dJAagZUJHju7a9"
    "UMc1J7jfsFojgS0IoC+7YQ0B9JbTZfjxykXOx2RNHA8upx3BTFsDsH9hKuIaWZVNCdEskt"
    "fDyEFTl/yvpBb6XFPHOHFs1ENu6iyji602fSYhGQzWNbaFez6pu6+KtnwC9pxOIxv7OKvZ"
    "/eLEMx2c1NyYnSDFINg28a9mje09hL9cHz9hx7CVg+Q5wTaGyE9Py4TIT0/lIXJ6L+ukOS"
    "GdhRlQCoBn5VqI99tuUer6qnJc9728dBy9l/Hg8O8iYm7BSRaJxP5qBewS4YOcYxHMje7p"
    "mUr3Xku0sGPXv33vRT5ZRSvXukyJNxnuTu9Tb9obn2vGMzEO/AfncnQ/nvT16ff3txfD3u"
    "DmXEv2x+fR4tExsJ2U1tV702nv8vvb/nCaVNmldVcMc05tYNJSfzwdXA8ue9M+aYQnICmv"
    "E2XU25Wrt5tTL1R+kEPf3n2pg8Zvjyd2DhnOB0SUOciKgKZlIBheHLNdBSAgYlsUzkp3qc"
    "0JzvsP1zZz7NedOA5ZziVxlWc5H5iZPyHG8C0xmzuiEG1y71VhgJYGJRbJYxuz2370Mc1x"
    "1YxZiHyWc0YmqmeajGaayCN6Z9eWqQznLPGMqIBc/o/7qM2Imok6NBwSKccKaG7anFzIp7"
    "vt5jUPzoPT00zfCObaIwq/IPoG1iDt3iyfjjwYsPw5H30XC6depH3B4Tz+GgK1tkxJ+W5w"
    "9eB8Y4TETTGCUHNJU680TDekiE9CPole+FaWe1c2aQGCqHWH9OQB66LkMDnkhclhjXLLD4"
    "99mnFkYg8LNwHlUHNCLUT6pFuG202ekiLN7mVOCEILz5aeryIGOi3TQpx3kJZDV9MKlR/X"
    "YhDyaXrIJ+f9Hcb06yEfm3OR4be8U2j2GetnGpOEKd3RES6pgv2cpcaaa8vUUvtZbrgQA1"
    "l88qt8hk+JtHCC34nJQgeVAsLLx1uI7ttSKWhvC1LQ3opS0Ng+eR5heSnzlMj+q5gfJkBZ"
    "W73ygy5mf/4/C9BDnQ=="
)
