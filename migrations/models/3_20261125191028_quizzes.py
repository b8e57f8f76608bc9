from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "quizzes" (
    "id" UUID NOT NULL PRIMARY KEY,
    "title" VARCHAR(200) NOT NULL,
    "description" TEXT NOT NULL,
    "type" VARCHAR(16) NOT NULL,
    "passing_score" SMALLINT NOT NULL,
    "time_limit_minutes" INT,
    "max_attempts" INT,
    "available_from" TIMESTAMPTZ,
    "available_until" TIMESTAMPTZ,
    "shuffle_questions" BOOL NOT NULL,
    "shuffle_options" BOOL NOT NULL,
    "review_policy" VARCHAR(16) NOT NULL,
    "grace_seconds" INT NOT NULL,
    "pool_size" INT,
    "is_published" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "course_id" UUID NOT NULL REFERENCES "courses" ("id") ON DELETE CASCADE,
    "lesson_id" UUID REFERENCES "lessons" ("id") ON DELETE SET NULL
);
COMMENT ON COLUMN "quizzes"."type" IS 'PRACTICE: practice\nGRADED: graded';
COMMENT ON COLUMN "quizzes"."review_policy" IS 'NEVER: never\nAFTER_ATTEMPT: after_attempt\nAFTER_CLOSE: after_close';
        CREATE TABLE IF NOT EXISTS "quiz_accommodations" (
    "id" UUID NOT NULL PRIMARY KEY,
    "extra_minutes" INT NOT NULL,
    "time_multiplier" DOUBLE PRECISION NOT NULL,
    "extra_attempts" INT NOT NULL,
    "quiz_id" UUID NOT NULL REFERENCES "quizzes" ("id") ON DELETE CASCADE,
    "student_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_quiz_accomm_quiz_id_aa3de0" UNIQUE ("quiz_id", "student_id")
);
        CREATE TABLE IF NOT EXISTS "quiz_attempts" (
    "id" UUID NOT NULL PRIMARY KEY,
    "number" INT NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "started_at" TIMESTAMPTZ NOT NULL,
    "deadline" TIMESTAMPTZ,
    "submitted_at" TIMESTAMPTZ,
    "closed_by" VARCHAR(16),
    "question_ids" JSONB NOT NULL,
    "option_orders" JSONB NOT NULL,
    "score" DOUBLE PRECISION,
    "max_score" DOUBLE PRECISION NOT NULL,
    "percentage" DOUBLE PRECISION,
    "passed" BOOL,
    "graded_at" TIMESTAMPTZ,
    "quiz_id" UUID NOT NULL REFERENCES "quizzes" ("id") ON DELETE CASCADE,
    "student_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_quiz_attemp_quiz_id_e5654d" UNIQUE ("quiz_id", "student_id", "number")
);
CREATE INDEX IF NOT EXISTS "idx_quiz_attemp_status_0021f4" ON "quiz_attempts" ("status");
COMMENT ON COLUMN "quiz_attempts"."status" IS 'IN_PROGRESS: in_progress\nSUBMITTED: submitted\nNEEDS_GRADING: needs_grading\nGRADED: graded';
        CREATE TABLE IF NOT EXISTS "quiz_questions" (
    "id" UUID NOT NULL PRIMARY KEY,
    "text" TEXT NOT NULL,
    "type" VARCHAR(16) NOT NULL,
    "points" DOUBLE PRECISION NOT NULL,
    "order" INT NOT NULL,
    "options" JSONB NOT NULL,
    "answer_key" JSONB NOT NULL,
    "explanation" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "quiz_id" UUID NOT NULL REFERENCES "quizzes" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "quiz_questions"."type" IS 'SINGLE_CHOICE: single_choice\nMULTIPLE_CHOICE: multiple_choice\nTRUE_FALSE: true_false\nSHORT_ANSWER: short_answer\nNUMERIC: numeric\nESSAY: essay';
        CREATE TABLE IF NOT EXISTS "attempt_answers" (
    "id" UUID NOT NULL PRIMARY KEY,
    "payload" JSONB NOT NULL,
    "saved_at" TIMESTAMPTZ NOT NULL,
    "points_awarded" DOUBLE PRECISION,
    "is_correct" BOOL,
    "feedback" TEXT NOT NULL,
    "graded_by_id" UUID,
    "graded_at" TIMESTAMPTZ,
    "attempt_id" UUID NOT NULL REFERENCES "quiz_attempts" ("id") ON DELETE CASCADE,
    "question_id" UUID NOT NULL REFERENCES "quiz_questions" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_attempt_ans_attempt_c6d998" UNIQUE ("attempt_id", "question_id")
);
        CREATE UNIQUE INDEX IF NOT EXISTS "quiz_attempts_one_in_progress" ON "quiz_attempts" ("quiz_id", "student_id") WHERE "status" = 'in_progress';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "quizzes";
        DROP TABLE IF EXISTS "quiz_questions";
        DROP TABLE IF EXISTS "attempt_answers";
        DROP TABLE IF EXISTS "quiz_attempts";
        DROP TABLE IF EXISTS "quiz_accommodations";"""


MODELS_STATE = (
    "eJztXXlv2zgW/yqC/9lZoFu0TpvOZhcLOI6S8W5iZ2ync2wWGlmibaKy5JGotJmZfvclKe"
    "smZUk+ImseMBg0lB5F/x6Pd/P3zsoxkeW9fvCQ27lQfu/Y+grRf6TaXykdfb2OW1kD0WcW"
    "f9Gnb/AWfeYRVzcIbZzrlodok4k8w8Vrgh2bttq+ZbFGx6AvYnsRN/k2/tVHGnEWiCz5QP"
    "77P9qMbRN9QV745/qTNsfIMlPjxCb7Nm/XyPOatz08DK6u+ZvsczPNcCx/Zcdvr5/J0rGj"
    "130fm68ZDXu2QDZydYLMxM9go9z83LApGDFtIK6PoqGacYOJ5rpvMTA6/5z7tsEwUPiX2P"
    "/e/WsztMRrmjYcTbWJOtW0TgXsDMdmuGObMKB+/xr0GwPCWzvsA/3veuNvzs7/yiFwPLJw"
    "+UMOV+crJ9SJHpBy0GOU0UrHVh7o/lJ3xUBHBBms6VAPg3II0AEg7az0L5qF7AVZ0j+779"
    "8VYPyxN+Yw07c4zg5dEcE6GW4edYNnDO8Y37XueZ8d19SWuresgnOOcD94hw0x4PGSPjri"
    "b9+8KYE4fUuKOH+WRnxOP6zxPyqgnSJqIdLdUkh3C5Du5pF2HUsCsmr7Kw70gI5Jtw2UAz"
    "ykPRTW+c3aI76JbFJxe+70ru4GwwtFN1fYfrQHw8l0/NCfjsYXCmZ4+wZx3Ed7Mn24UofT"
    "CyX5laqr4bzMYjiXr4XzLIOwp9FjGz8JuHTpUAbotuQwTdJlODSjhIdaDiHTjnt6Xo5Gt6"
    "znlef9avGGwTSD8cPdpUqx59DTlzDhzYPhNAM4Pxy1J+Ri+iFT00ke+CuKGcErVHC6ZjvI"
    "cMDc9PA6/EcJdmyQbcrmVMCN6eBOnUx7d/cpllz1pip70uWtz5nWb7KLIupE+WEw/U5hfy"
    "o/j4ZqVkCK3pv+3GFj0n3iaLbzWdPNJCZhc9iU4rmle0SznAW2a/A7Rwy8bjKvGQd+c+xK"
    "okWS5niSRedh2j+UJpI+ts7LSM3ncqH5PC8zu84ci0SLf09GQ4m0HJNkVxA2iPKHYmGPHA"
    "zrWA+c+dgiVDB4zT77Eqoggyi1mkKgv7nr/ZjlQf92dJldJqyDywxDVnNdQzaDSKCTF0oS"
    "GcojyhJRy8kKEww7DxkuEpwq8u0mTVVrw2nYAXLo7YYhtka2ScdQE+88NeBeDncu/3gErQ"
    "X7Cl4MbCIHPUWawRvbZTb7puG9YIP429+73bOzD903Z+ffvn/34cP7b998S9/lA84/+lC0"
    "FQ1u2KaS4kd+l6EzliFUQ3ZNU+5BcG2cCYX+QHNkW8+buXIikuxmWhcKsv7arMn1NCVwvS"
    "lcF+gvfPTMvzL/lLD9s4aZbnz6rLumlnoSTw8PeR6FzRPsyhvK6/+MkaVzbPPTYONi6vlk"
    "OQl6OsF58DWc+WFrPB9ioKhep7F5rhHnE9oVr5GNprSvKeuqrYAZju/S2aUR3V8sBZtPFb"
    "z6vK+2IuURfT6nG+0GsX1ANWFdthUvZLuOZa0Qo9kJKzXqqK1Q/erj3zTdMJwV/ckcjR0h"
    "+5522Ev2127kCEGr9a7TjGMW9NQmtJh44XQdmcCRf7TqrrItuq0v+E9i32ZfEggUgpCWjL"
    "whj2yhMtJSS8o4WyNcOvRsVjy8sP+GbcVh/yHFRE/YQPRnLxGlWmHrWUFPyH1WXIcwRiou"
    "mlPZbalw2UCZIcuxFx7963XWO7jf3h/tR5suRvrzgmeewnBiHWFX2fxq5ZtffvGw+csvf/"
    "0H7ejJ+UQHwj8VPqe9+/TfrG2l6IQOyUB83BDRcwwz4g4RPaDQSwE/UdWujELPrWF0xdbh"
    "e5YWOH9KnEdf1pj2VifYIEXZQq6fCJdLuZ75KV1reacpIcCg+VzW6G7lBUJsWTdUjrB9Hq"
    "izbgkP1FlX6oFij9K+DxbhrlFVw67k8UtTHTGk41ByaAbmUqGiZwWhomf5UFEscPDJEcYi"
    "n97pI7t/FyqfitXUqgTJPnWr5p4BW1SpnH8kjW4e2mvHRVRV/w96zkU4iw09YabNaUKas/"
    "DQZlf/HKn3yQlFfzv9xSgIaOn3Jv3eldr5WsbhtA/3yTgwiLTOfXJIi1rK5SQwqWVdUnKb"
    "msATBnlj7bUyrX2XUtRO/0iQNznbpvNRHQ+uf9LUu97g9kLhcfnPGg/Sf7THKqO6700mP4"
    "zGVxcKBQ8RLczbytp4X0bC5Yuxcu5Zmqp1iX77l8PA5iqHHixvYHlrKpdL2WRqWtX3a1Bv"
    "mGWmZfwFJXo3SRGU6JdTog+pHqZUaoF6mFW55erhJloBtMM/hXYIageoHaB2gNrRIAmmSV"
    "wGhz9wOeLy2tINyqzZcxXBJEO2g4RyOrzdKo/k8pcqanVpKlDsihU7L4603lG3a2ee2KuM"
    "ipeeXU3S8jZ5VAL9Ls6wkmt2ifwkUOlarNJhIqv2JtHmQoImO/hqqnIHKafnWf6iCsDh+6"
    "1TlLvdUuh2C9Dt5tBNjiwH8hR9kVSayJC1ICatSHpWf5ymBOdc8aBIeL4dDW/C17MVhbKy"
    "mO4aS40OzF8JIy3l4AtIgQGVGWBQYBaOK9Av5HtLkuZ4JToPhfgRqs6aeD7HBh21BObtIT"
    "HpHo44z2dogW07cK9UiY25VG8Gw6E6vlDCHlh91Kk6vlOvBlS3ZhVSCXJXyMR0yI927+pj"
    "b9hXr1gx1ScGQa0Ymf1XSV272ECavnJ80e4krUGUJatVgqgWx94capkEBYi6b999ePft2f"
    "m7qO5Q1FJUbkhQWsh3XWQb1TaeBM0R14B6c3+czeesTISXPMBLUOF37c8s7C0rl+bLkh6s"
    "Nl9un4/wP9nSfBFwNayzWVqwzzbZPssEUPxUi9EZUuBzk/lMlv5qZrPi275b6T6MHGH7Eu"
    "/elxKY3xcIzO/zAjPy6KTnPmjTd3lmh7bCtk9ElY6kMlhxJyCR5UrKIqIzC18eYnlp5SQN"
    "1FYu1s5r1FaOy1axSl+VNBARKcz57Jxn+4K9qAxulgyAlQCrP1EEFgLXwLXl6MXgJkgz8M"
    "4Z7cEAfn0oiAvwuxo9XN6qyv1Y7Q8mg81GEolA/GFa6xirvVuI94J4L6jV2zquCzSSXKXB"
    "+HapilEsOUIIZCkOZIkBE5xhkKeQCmLJTa5UHMuYTvrxoD8tl/PvhdVoM0ZLKGubKuyGPG"
    "/n+qy3vJO2QuQhYw81bCdBL20FCcojl4aKFfn9bdeK26y8b5sAOnwAYrCNS6MQo11+Wyii"
    "Fh0s28v6DqLzzFN021QI0o0lq4Wrex5mZz3xlBl6dtijJVKCD/zFU5zPlKv5Or67dyeIg/"
    "zv5nfxx0y8+B9ERjYpMrLJ1+AKDKrRVKyIckd2921vMhlQZYfdfpvu+8UjO6i2Vc9zl6AD"
    "rbkpWnMZW8nmBKi28aWIQFuGGoNHND7ER/uOhofWXYbzKmN6SK1ScfpMdtqCPedE605s7B"
    "UCXSC2ZMjVgITJZL8ZSUlJnGdfgCTeKEkccpTanaPULHwhS+miRUkyjk0qZiclSADwyoBz"
    "rIQ7yXarSUh7RNgJnQZVDSYfB1fq6EJ5wiZyHm0GCz13aT+P9vcPg58vFGZnDswnN8M7Nb"
    "SfLOzQtv7yBhTHNUVStDRoKnofoqWy0VI7RLlCbGsZgPkyqxq9nSKCyO1SkdsscchFTxh9"
    "FnjItmUcxYQHyzfK4x21nGzCEYXO4UPTBdN7G+hJSkC9Aur6k445BJo+J8jVTP25yr4tI4"
    "e9WzC9G5/G2MYJDgHF8ineXicZBBS3jetlAorBNXqAMoPcYF65zGCSCko3gn/0JfyjXhzu"
    "uiOy5QNnmzlhS1RuTC7YFLR0CMrw4fa2XMT72nXYzN9LMPd9oq+WzOgXC8I9kXl50BjccB"
    "ULfO6JBS53uieD8KEOKPjYwcde18cOTpf9VSADnQfk84ZIkSXk8zIy5HHzAUEySiW8CYSj"
    "dDqcXD7K5N/tOzDRI765GcNmSUJsYqPkJrr/EV+wbMtFvMTUx6vGS2cnfkIVUe70+tPBR/"
    "VCCagf7f7o7v5WnbKyr4azWrM9z3y0r8aj+3vWZrrOes1aJg+Te3V4xdo831sjOrCG1If1"
    "6HoyascqxdRHjFaau6gy467HKmUbo3y073s/BQFJa/2ZbVmMPZeT/nhwPx2MhoxDs4iWPp"
    "v2rq9pY5h2+fIsCzbbWi6ODCn4OJri4yjj2aJT0K3n2UpTQq3O5jiy8lyOzpE6fusMLXC6"
    "yZy2dI9oXJLA5LkGt0X0wPEmczx0kWhrRMUmm1StLCihh/KCZcoLRnvjxshQuWhmQQ9gnM"
    "waJ4lDdKs21BJqgFkMM9vZNaZWEs1D9ItmlUDOoi4AcHFd2Dy8k5VuWVvq7dZGtGFH8gbT"
    "s+6H8whO9kcRkpO73u2tAE5JqL08MU0aY3+SGQ3HTkwL0Kt78XKSFCTNJkua4Bvcfzxk4I"
    "SoGg+ZogJQt1y7HDt6dvS4try0SXpabQ+IBE/27p7sagWAA+VFg6jI8lGRLlo77q4VXEOQ"
    "xryzNkF1+JpE0QST1iZKTsFtNYpSc3/fIQEoFZkQfBCiAiAqYEffsu0QbeMtq4h1hz+b9s"
    "Y8GiDRD7s3Vrsfj27o+TFhxUWjdSGOH+iU4tjB4wLA2finUBPB2fjn4PRuJmIwDpeMyOZL"
    "gqVTFXn4im3F0k5ag/c+DMfc+U0XCeZAVZ/SUvrWoLy3WQ0Z9XKoTzPaTHBiFFypUtHimS"
    "MEo2d27wrU42qwpogA0mI7cto6sKPJs5V3Ar3KmD1zq3a7TdmK8mx2BLh1F3hlwU2t3SaV"
    "Is8YSwVmv7w5VW72i8LTEobc7bcU9RTDwnTe/cVTAjoFm6/oP1doNUMuMhXPUchSJ4pOGy"
    "k/aMvmPXqYeYpNnzIpIms22We/JSyQASljMRghG2WEjBmTA1ue1p0iamFq9/m7EvbC83dS"
    "eyF7lA0sMRB+qhlYkiIFNaEpakKZpBRQE0CmbarYVVKmfRnRq0cIWq1Jz/Y+c4kiJ3mlXy"
    "gUvPTgVU3n7x7E37r5BOuaPvR4JyDpNErSWevPlqMLoP73ZDSUJJTEJNljFxtE+UOxsHew"
    "HSKB+czHFsG295p99iVgZxClTtxcsG02rjbDH9ZBNtjW0+sJREm6FkpDJyL9lHKrrR32qz"
    "SdnQei6s5FyVw50pp5XKfjNd1HHhdm+UAu1RkEy2pbLe0EYb1K2qcD9R7raM8RMpnMk8db"
    "nqWRpIH7gyqnaSxcnV3SO3uuqFRl6aD+rhDX6kdyihAiXZp8JIfKULWVk6YCW0Rm4YQ6X0"
    "VUM2QAa7GJJ6Fk72jfYbWBe3FvpwnuVgNPetFu91hGlov9APx9oruWIpxZwE0yoPHy1wK7"
    "WVgWW24uS1TfhmLO7bWHQTHnQxdzhgt94X7ZMrCv2RaLo7GUTqm5H7OCm331Qgl7eLRvxj"
    "1eRzPQyDo1lsL+k2XW7Gpbe6F5BhUj8nwpjvfOER8vAvn8BAK9ee6BhVeY1LhcVkzcohos"
    "ewvyZitkI05XAThLBtAWXbQ5d51VVctTnhrMT402P0X88m2CBRfalmV3RA78bjK/vaU/n1"
    "N2hZqyqHxBkVtKSA/3vFbwT4UIBjdB18U/QQ3oV0A/KAumrR0LG891dZJcJ0dUToLrqxOm"
    "10pJ/+pHdUwZgJ6Q+2j3rqfqWOtNpyrdUi6UVM/hU6rNTdTwmWE5QTGdl9dhqD5loBqJlD"
    "m646kvZ6eSQbmmO4jm4d8EuqFcLUzSgFgN16o3ZcOHa9XlU7y9cf6QBN42rgu0G7hWveXJ"
    "3w0TCQ4SRAGlLss69yteqn78fO9mTtcd0r2r3aiuG4azopjpMrtGxcvCe8n+WjSvReF/+4"
    "CrdfFTwmCoPSDVwkCog1ZbzS9GSRxTbsUWBzVp+R1j33mAv26iq8JK3ZAD2KiYJ/SFfqKG"
    "ozxHB2XQhIEIKzpEvLaw6A77glwvAe0xL+16e6qXdgXTskZcQp4QJnR2QvMTo2o8f0QCij"
    "3cD3J03T6UPvYQvH+6kJYI2o9W6XatHq5cKYlqmStXXi4TIlRWZYpErMtuUyESZ+ahlQc+"
    "MVg1NlAjmqVGbLhSXt6KCY4nZ52Qr7rpN2HkJzFOX99SJSZGft3F5OHybjDl1114/myFCb"
    "8eY6iqVxONxfUPhjcslgaZnsbC+ymHmhnv36DLMZq2ck7X+Zn3eZtINy1sC3xJxUxO0kHw"
    "bpM5HO1CdZZyhhY43WRO80hLVhlFfAhLIhmSRG24bvjQB2MiXVwg7cjr0GXpmlGMjn2vNc"
    "Xogvh2zXHNTYXIsrzJETaDOe2qFChOHC3wKMiyRaFonMiPwLa96hinqI7pr3lzqv6aoluv"
    "ikohFt1zBTNaiLTueZXj3mMiKH9YOt4dasa1XzsAVyi4QpsIKrhCwRXaQFR3c4UmYnXj+w"
    "rqB6Dm7kloCegHj0CNonYlPuNkVO8Wp3Eqlhhq6rXXMUzQF8H+KC/1Fr7fiop6UOVtv8B3"
    "JoPhza2q9b8b8SJvrAyahTRj6fBKb3cPt9PBfeL5JoA2fmM6flC1694tK6jAlpvGR/VoT7"
    "4bjadabzj5gRVn8JbsLrfgrHm0qd6njgd9Nt4VcrHxaKuTSe+nCwV5ns4N/S9vRg+uhqhm"
    "QolIILC4hPmEW7PzAEvjW6L3IYw4ax+Rlt3Z5lJokDOhVZ6eYKfTPiGBr1POkzRVM9jSKh"
    "8P+rK2qDhetVhuhgyK5VYWo6BgifwsOM3SFWUKloBJF6yPL20n22p9BCNZk41kPaYfLjsC"
    "89jmyavCS1njdxpjEJPqN8JdT6DcbGb5boawxgfuy+1fT3QlCgU4eRBhgqTJxpiaMYTd9+"
    "9LWD/oW/J7JdizjAZDF1UFhDevtxDdt6Vu7XhbcGvH2/ytHfSLROjmkiuHCZLja4YvIxvt"
    "TQfMSVHHTBL8+n8VlH0f"
)
