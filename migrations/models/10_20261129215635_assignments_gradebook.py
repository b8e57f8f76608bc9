from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "assignments" (
    "id" UUID NOT NULL PRIMARY KEY,
    "title" VARCHAR(200) NOT NULL,
    "instructions" TEXT NOT NULL,
    "submission_types" JSONB NOT NULL,
    "due_at" TIMESTAMPTZ,
    "late_policy" VARCHAR(8) NOT NULL,
    "late_penalty_percent" DOUBLE PRECISION NOT NULL,
    "late_days" INT NOT NULL,
    "max_points" DOUBLE PRECISION NOT NULL,
    "rubric" JSONB NOT NULL,
    "allow_resubmission" BOOL NOT NULL,
    "gradebook_category" VARCHAR(40) NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "course_id" UUID NOT NULL REFERENCES "courses" ("id") ON DELETE CASCADE,
    "lesson_id" UUID NOT NULL UNIQUE REFERENCES "lessons" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "assignments"."late_policy" IS 'REFUSE: refuse\nACCEPT: accept';
        CREATE TABLE IF NOT EXISTS "submissions" (
    "id" UUID NOT NULL PRIMARY KEY,
    "attempt" INT NOT NULL,
    "body" TEXT NOT NULL,
    "url" VARCHAR(2000),
    "file_ids" JSONB NOT NULL,
    "submitted_at" TIMESTAMPTZ NOT NULL,
    "is_late" BOOL NOT NULL,
    "days_late" INT NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "raw_score" DOUBLE PRECISION,
    "penalty_percent" DOUBLE PRECISION NOT NULL,
    "score" DOUBLE PRECISION,
    "rubric_scores" JSONB NOT NULL,
    "feedback" TEXT NOT NULL,
    "graded_at" TIMESTAMPTZ,
    "returned_at" TIMESTAMPTZ,
    "assignment_id" UUID NOT NULL REFERENCES "assignments" ("id") ON DELETE CASCADE,
    "graded_by_id" UUID REFERENCES "users" ("id") ON DELETE SET NULL,
    "student_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_submissions_assignm_1d0f8b" UNIQUE ("assignment_id", "student_id", "attempt")
);
CREATE INDEX IF NOT EXISTS "idx_submissions_status_c94515" ON "submissions" ("status");
CREATE INDEX IF NOT EXISTS "idx_submissions_assignm_a2affb" ON "submissions" ("assignment_id", "status");
COMMENT ON COLUMN "submissions"."status" IS 'SUBMITTED: submitted\nGRADED: graded\nRETURNED: returned';
        CREATE TABLE IF NOT EXISTS "submission_archives" (
    "id" UUID NOT NULL PRIMARY KEY,
    "status" VARCHAR(8) NOT NULL,
    "file_count" INT NOT NULL,
    "error" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "finished_at" TIMESTAMPTZ,
    "assignment_id" UUID NOT NULL REFERENCES "assignments" ("id") ON DELETE CASCADE,
    "file_id" UUID REFERENCES "stored_files" ("id") ON DELETE SET NULL,
    "requested_by_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "submission_archives"."status" IS 'PENDING: pending\nREADY: ready\nFAILED: failed';
COMMENT ON TABLE "submission_archives" IS 'A ZIP of an assignment''s submitted files, built by a job for the staff who asked.';
        CREATE TABLE IF NOT EXISTS "grade_overrides" (
    "id" UUID NOT NULL PRIMARY KEY,
    "item" VARCHAR(80) NOT NULL,
    "percentage" DOUBLE PRECISION,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "author_id" UUID REFERENCES "users" ("id") ON DELETE SET NULL,
    "course_id" UUID NOT NULL REFERENCES "courses" ("id") ON DELETE CASCADE,
    "student_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_grade_overr_course__4991f7" ON "grade_overrides" ("course_id", "student_id", "item");
COMMENT ON TABLE "grade_overrides" IS 'Append-only: the newest row for a (student, item) is the one in force; a row with no';
        CREATE TABLE IF NOT EXISTS "gradebook_settings" (
    "id" UUID NOT NULL PRIMARY KEY,
    "categories" JSONB NOT NULL,
    "letter_scale" JSONB NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "course_id" UUID NOT NULL UNIQUE REFERENCES "courses" ("id") ON DELETE CASCADE
);
        ALTER TABLE "quizzes" ADD "gradebook_category" VARCHAR(40) NOT NULL DEFAULT 'quizzes';
        ALTER TABLE "quizzes" ADD "scoring_policy" VARCHAR(8) NOT NULL DEFAULT 'highest';
        COMMENT ON COLUMN "stored_files"."purpose" IS 'AVATAR: avatar\nCOURSE_THUMBNAIL: course_thumbnail\nLESSON_ATTACHMENT: lesson_attachment\nCERTIFICATE: certificate\nSUBMISSION: submission\nSUBMISSION_ARCHIVE: submission_archive';
        COMMENT ON COLUMN quizzes."scoring_policy" IS 'HIGHEST: highest\nLATEST: latest\nAVERAGE: average';"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "quizzes" DROP COLUMN "gradebook_category";
        ALTER TABLE "quizzes" DROP COLUMN "scoring_policy";
        COMMENT ON COLUMN "stored_files"."purpose" IS 'AVATAR: avatar\nCOURSE_THUMBNAIL: course_thumbnail\nLESSON_ATTACHMENT: lesson_attachment\nCERTIFICATE: certificate';
        DROP TABLE IF EXISTS "submission_archives";
        DROP TABLE IF EXISTS "submissions";
        DROP TABLE IF EXISTS "gradebook_settings";
        DROP TABLE IF EXISTS "grade_overrides";
        DROP TABLE IF EXISTS "assignments";"""


MODELS_STATE = (
    "eJztfftzm0i2/79C6ZedqfKkEj+SXN9vfatkGSfaK0seSc5sZnSLRdCyWCNgADnj2Z3//X"
    "bzEK9uRCMktcipmkqNgdOgz+nHeZ9/d1a2jkzvzaOH3M619O+Opa4Q/p/M9TOpozpOcpVc"
    "8NW5GTy4xk8EV9S557uq5uOLC9X0EL6kI09zDcc3bAtftdamSS7aGn7QsJ6SS2vL+H2NFN"
    "9+Qv4y+JDf/hdfNiwd/YG8+E/nWVkYyNQz32no5N3BdcV/dYJrj4/927vgSfK6uaLZ5npl"
    "JU87r/7StjaPr9eG/obQkHtPyEKu6iM99TPIV0Y/N74UfjG+4LtrtPlUPbmgo4W6NgkYnf"
    "+3WFsawUAK3kT+ufz/0aelHlOU4WiqTOSponQ4sNNsi+BuWD4B6t9/heMmgARXO+QFvc/d"
    "8Q8X738MILA9/8kNbgZwdf4KCFVfDUkD0BOU0Uo1zCLQvaXq0oHeEOSwxp+6H5RjgPYAaW"
    "el/qGYyHryl/jP86vLEoy/dMcBzPipAGcbr4hwnQyjW+fhPYJ3gq+jet4329WVpeoteXAu"
    "EDaDd3whATxZ0gdH/N3btxUQx08xEQ/uZRFf4BcrwR8caGeIWoj0eSWkz0uQPi8i7domA2"
    "TZWq8CoPv4m1RLQwXAY9p9YV3crD1/rSPL59yeO93b+/7wWlL1lWHNrP5wMh0/9qaj8bVk"
    "ELzXmm+7M2syfbyVh9NrKf0W3tXwvspieM9eC+/zDDI8BR/bxguFSzc2ZoBqMQ7TNF2OQ3"
    "NMuK/lEDPtsKfnzWg0ICOvPO93M7jQn+Ywfry/kTH2AfT4IcMPLveH0xzgweGovCDXwC/S"
    "FdUvAn+LMfONFSo5XfMD5DigRyO8if+nAjsiZEXZnEq4Me3fy5Np9/4hw5Lb7lQmd86Dq6"
    "+5qz/kF8VmEOmX/vSzRP6Ufh0N5byAtHlu+muHfJO69m3Fsr8pqp7GJL4cX8rw3FQ9XzHt"
    "J8Oqwe8CMfBaZF4TDvxpW1yiRZrmcJJF53Ha25cmkj223leRmt+zheb3RZnZtRcGTbT4+2"
    "Q0ZEjLCUl+BRmaL/1HMg3P3xvWiR44XxumjwWDN+S1x1AFCUSZ1RQD/cN99x95HvQGo5v8"
    "MiED3OQYslqoCrIIRBSdvFSSyFEeUJbYXDlZYYJg5yHNRZRThb3dZKlqbTiCHSD73m4IYg"
    "6ydPwNNfEuUgPu1XAP5B/PRw5lXzGe+pbPBj1DmsPbsKps9qLh/UQ+4qf/Oj+/uPhw/vbi"
    "/ceryw8frj6+/YifDT64eOtD2VbU/0Q2lQw/irsMnrEEoRqya5ayAcFVOBMK/oH6yDJfo7"
    "lyIpJsNK1LBdm1o9fkepYSuC4K1yn6S/D1xL+yeE7Z/smFuao9f1NdXcncSaaHhzwPw+ZR"
    "duWI8u5/xshUA2yL0yByMXXX/nISjnSC8+CveObHV5P5kACF9TqFzHPFt5/RrniNLDTFY0"
    "3JUG0FTLPXLp5diq+un5aUzYcHr14wVluR8nx1scAbbYRYE1BNyJBtxQtZrm2aK0RodsJK"
    "3gzUVqh+Xxt/Kqqm2Sv8kwM0doTsZzxgNz1eu5HzfbRydp1mAWbhSG1FyzRekLLCEoD6tO"
    "sGNsBD3YcjtRotR3V9QzOcJlYlwewhHq+9u9kSC8n4nAzga0ZwJcC1XHDVEJ4XC0PDP2tX"
    "0SIZqa1gEdfCjihNfNtF+l3ko2gjSI762oDw9RCO0laQvPV8M/iuMyo1VFvhsuxoa9kdrm"
    "FqqO8BLsVx0QK5yNJ23brSyD1sBm0rhqpl2Wv8+xrYy7qpodoK15Or6lj4wvvaymhC9Jps"
    "Bjo9B07VE+AISJ3k3EqgUlRXW2KhvDHIuuF4bUUuWJWK/YJc18DvUVb4z92g+0RGHEUDtn"
    "Rp5lA7LGAnM8+I/8g+t1kepeyttDkbfwRStLXn26sw9YgOLvGC2PifKjoVGbKXGrElk5IA"
    "ujpf5SBeqZb6FHwlGY4QU/xslEyvnBuOnfCl4gczFpStiV8dzCfJM56snwxLssl/SNLRi6"
    "Eh/EuWCFOtDPNVQngZvEqu7RPWSFiEdJG3lAKXmTRHpm09efivN50cas2OPrNmVlfD0rAX"
    "3vMkghMZyHCl6FdLP/zzn56h//OfP/43HujFfsYfErwqvo9HX+P/J9dWkurjT9JQ8N2Q6N"
    "b0smg40Q3iXJiAn2jEQ5U4lyBIDK/YOnzP0wLnT4nz6A/HwKPVycHJULaQ6yfCZUpEU5HN"
    "wSlda3lnKSHvRnwuK3i38kIhtmp0doGwfYHZF+cVArMvzpmB2eRWNiSYFH5QsKphcQXCZ6"
    "kOmOm0Lzk0B3OlDOqLkgzqi2IGtUGJe2cjbNBC3U8f2eYzC4KpyKdWpUia1K3EPQO2qFKF"
    "sOEsukVo72wXYVX9f9BrIfGfbr2JC9CcJqQFow2+7KrfNup9ekLh345/MQrzvHrdSa97K3"
    "f+qhKH3URU8Tg0iLQuqpjLDslpUctEYlNMavlIbbZNjRIgDuWU2mtlctYupqhdFSVFLnIR"
    "ms4Xedy/+6rI993+4FoKylW8KkHtipk1lgnVQ3cy+WU0vr2WMHjIV+JyRnkb73Ek3GAxcp"
    "dkylK1rv5V83IY2FzZ0IPlDSxvonK5kk2mplW9WYO6YJaZlvEXlOjdJEVQoo+nRO9TPcyo"
    "1BT1MK9ys9XDKFoBtMPvQjsEtQPUDlA7QO0QSIIRicvg8Acub7jsmKqGmTV/5RFMcmQ7SC"
    "inw9ut8kihrA+nVpelAsWuXLHzkkjrHXW7dpZPOsupeNnZJZKWF5UXouh3SeEhtmaXKtsD"
    "Kl2LVTrDZzVBYGhzMYHIDr6aqtxeukx45vqJB+D4+dYpyufnldA9L0H3vIBu+ssKIE/RH4"
    "wCrDmyFsSklUnP8j+mGcG5UFN7IzwPRsNP8eP5Qtt5WYzktCr4w9YraqQlG3wKKTCAmwGk"
    "YM2T7VL0C/bekqY5XOeafSF+gGZMurFYGBr+agbM20NisiMccJ7P0ZNhWaF7hSc25kb+1B"
    "8O5fG1FI9A2gZN5fG9fNvHujVpHOQjd4V0A3/yzOrefukOe/It6TH0QiCoFSPTfPMgxzU0"
    "pKgre03bnZilufNktSpz1+LY230tk7Au9/m7yw+XHy/eX27KcW+ulFXhplTcXrukggrfxp"
    "OiOeAakD89HGbzuagS4cUO8KI0vnLWc9Pwloi3Y0WedG8tKwr7/Ab/k+1YsQGuhnU2Twv2"
    "WZHts1E9ljqMzpECn0Xms79cr+YW6Um3drnaxBYI25d4d1VJYL4qEZivigIz8vCkD3zQ+t"
    "oNC7mtDGtNrdLJlMHKBwGJrNBpCfkqsfAVIWZ3HEvTQMuxcu28RsuxpJo7KYDPpYHQSGHO"
    "5+c82ResJ25w82QALANY9QUj8ERxDdyZtloOboo0B++C0O4N4Df7grgEv9vR481Alh7Gcq"
    "8/6UcbyUYECm5mtY6x3B1AvBfEe0ELq9ZxnaKRFGo0Jk3XOaNYCoQQyFIeyJIARjnDIE8h"
    "E8RSmFyZOJYxnvTjfm9aLeffi5s05YyW0O0pU9gNed7ufT6CQdoKkYe0JtoMhKO0FSToGl"
    "YZKtL76s9dyyKTrldtBQg6EEEHopZ0IBLM8F4Jo0M3IDpFjKC7CR9cHik/3gRYm4HaChU0"
    "T9hj84QA3LltP2Pxwic24hJ8q/dP+BSPOkkN2pJNr5jrkelB7VAltHvVep3a5N+KZo1eMF"
    "KdCXrUuPISs0bww5Rivkv0M10yqZCupKDcNKe23WAOP6PXFMiRPWQzw5O7mC666S9de/20"
    "TKjSPa+pGUH4upJGPGF5eTJPaBJhZvRsLCbb0nqUjZFme4uM/sY25EmqpUs+UrUl6StBDh"
    "cywXxPmqNXm9xaIil8wd88yf6Gf1+xJ8buw1Fyin6Lfldwm5jq/heyjETKMnJtVpLR9gDq"
    "mPaAYaObqciJcqc/nEzHj73paEyipOOJPrO6k0l/Mu0Op9dSduyjR0mrul4vCi5FBx4oUT"
    "xQVfyOmaOr6saXIQLPE9TrPqAjLznad3TiJWnPpwnrVjdeZpXSU9Hz0xZ8oydawy3y/VF0"
    "gcQryFYDUu7HZrP705J4kMkMkrhQkjjk+7c7318sfCHj/7pFCee25XNm+qdIAHBuwAOsqD"
    "vJdqtJTHtA2H08DXgNJl/6t/LoWnoxdGTPLAILPnfxODPr58f+r9cSidkIzSefhvdybD9J"
    "PFHHN6DYrk6TopkJCJvnIfMgn3mwQ8YY5IlVAThYZryZkBkiyIKslAVJkvBd9GKgb0Wkt2"
    "bvJ4R7y90v4r25crLJ+xg6O/g0lTK9t4GepgTUOVBXX1QjgEBRFz5yFV195dm3WeSwd1Om"
    "t/AlQdo4wSE5jz3F2+skg+S8tnE9xqgsOQ9co3so2R0YzLlLdqepoAw6+EeP4R/1ktSxHZ"
    "GtnoQm5oStUAU9vWAz0OJPkIaPg0G17FHHtcnMbyQx8iE1Vktm9NES2k5kXoqRz3aKYEGG"
    "VqMZD1k3xa6ZDlzpN6eELEfAS3yGUiJeUscrO+QlnU4OHS0gwgUiXOpGuIDLs7la2mBxAO"
    "1YEB2ugnZcRYM7bGWbUxJ29hUKnCrdQhGOsoVd2PJRrpJM02HBnr/Wo2+IliREBgslN+H9"
    "z19Tlm21eLOE+nB9ZfDsxGo5J8qdbm/a/yJfSyH1zOqN7h8G8pQ0MNHslUP2PH1m3Y5HDw"
    "/kmu7ajkOuTB4nD/Lwllzz1p6D8IcJ0unEw+tJqx0pmFAfMFZw4SJuxt2NZcw2QjmzHrpf"
    "w3DAqGgKYc/NpDfuP0z7oyHh0HxDi+9Nu3d3+GKc9Hx8loWbbS0HY44UPIyieBir+JXxFH"
    "Tr+ZWzlNB1Qhw3cpHLm3OkTtRIjhY4LTKnTdXzlUCSMPzXGtym0QPHReZ47KBUHITFJsvn"
    "rZHPoIdC+VUK5W/2xsjIwN3+oWQEME7mjZO+7atmbagZ1AAzHWaysytErfQVD+E36jxh1G"
    "VDAOD0DidFeCcr1TS3dI6pjahgR3KE6cX5h/cbOMkfZUhO7ruDAQVORqILOy2UmeFykvlE"
    "h04LDdGrpVzkSEHSFFnSBN9g89HIoROCNxo5QwWgljtcU46eHT2uLS8slJ1W28ORwZO9uy"
    "ebr5VNqLwoEJNcPYzURY7t7lzDPgJpHAzWVqig3n+jEbdatovGriG3fE05Tglb7iJzmz2L"
    "WWwuvattKzqX2U6bjjJBmWCX8IUQaAKBJjuGK1i2r0QOWE6sO8G9aXccBJikxplZ/aHyMB"
    "59wiLJhFSL3qwLekhKpxLH9h5qAv7r78LyAP7r74PTu3kdwN9QMcg/WBIkP7bMaVzufmAO"
    "0hq8m/BFBPEUeJEYAVD8U5pJ3xqUG5vVUCKFDfVpBjBSToySfrOcRvQCIdjR83tXqB7zwZ"
    "ohAkjLXRNZ68COVvRWNkw+y1nSC6t2u5vC3KRu7Qhw67qb58HNrF2Rekvk7O8Us1/RQs82"
    "+20iHlO+ge1t57qSZhp43v3Nk0I6ydDP8P+u0GqOXKRLni35S9WXVHwR8wNfiZ7Dh5knWf"
    "gukSLyZpMmx61ggQxJCYvBCCmUETJhTAFsdqWADFELqwW8v6xgL3x/ybQXklv5WCUNGS81"
    "Y5UypKAmiKImVMlzAjUBZFpRxa6KMu1xRK+u76OV43ct71sgURQkr+wDpYKXGj6qqMGze/"
    "G3Rq8gQ+ObXjAISDpCSTqO+mraKgXqv09GQ0aOUkKSP3YNzZf+I5mGt7cdIoX5fG2YvmF5"
    "b8hrjwE7gShz4hbit/Oh2jn+kAHy8dueWk8gStO1UBo6EemnklvNscmvUlRyHiDK0ivLDy"
    "yQ1kwNPB2vaROpgQZJMXOxzkCrt7ilOUKKsF5rhNOBusHGCAuEdCLzFPFmJ/6kaaAhHHfm"
    "z5Orkq7r81dOpSpPBwXVqbjyH8kZQoh0EflIjpUhvpWTpQJbRG7hxDofJ6o5MoC13MSTUr"
    "J3tO+QYu/dZLTTBHergSe7aLd7LDeWi2YA/jk1XEsRzi1gkQxoQT8Dit0s7nPANpel2ilA"
    "ffD22sOgPvi+64NDh3ZoGF4FdodsscbmWyqn1DyMSQ3XnnwtxSPMrE/jblCaNdTIOjWWQv"
    "PJMg5pAmI9KZ6GxYgiX8rjvQvEh4tAfn8Cgd5B7oFprAy/RrdwOnGLyvo0FuRNVkgkTvMA"
    "nCcDaMs6Jy9ce8VreSpSg/lJaPPThl9ryzcoHcqrsntDDvwWmd/ecr1YYHbFmjKtykOZW4"
    "pKD427OfxTMYK2swv+KWpAnwP9sNKc4timob3W1UkKgxxQOVEXPnKVlOmVK+lf/iKPMQPQ"
    "C3JnVvduKo+V7nQq4y3lWsqMHN/F2txEju9pph3WZzq+DoP1KQ3VSKQs0B1Ofbk4lQxKB+"
    "8gimf8SdEN2WphmgbEasq2j/VlojfvtvMURzng1rM0npbI4950Pvc/fcZyy7UU0c+sAZaE"
    "yAUTfyH5u4t3pe4nss3gfSlKH+fdYj5W2GE+MjeYj5T9RUf4KH1WSKWlJ9tlsKzE/16gPi"
    "CrUj6D/RtrL6vYai/ZptrLgqXW8BRnPTcNb0mLUtsWN5UhBemIQzrSXFQzdz5L2cIw0BYn"
    "xUDFhLZxnWIKKFRMgDLO7aqUIJj8vJeIIyg1XDUSpkLT3OMWRxBzuu5QGwF/gTR8HAyqlX"
    "BWNc1eYcxUlhGQo9RuED2XHq9F85oWK9sEXK0LNqRGDjaAVAujBrM7n/FC7IGetztcAzzU"
    "JBypPRvgXjuEF3cuRoRkYXsrD5dUittr0xnGv0dxm3FbCcguFiqaEv2BX1EjBKdABwUWqS"
    "FOK/yJhmMaYa5/5SxSCu0hO0y+O9UOk+G0rBHxVCSECZ2f0MGJwZsptCEBKwg0szq4ISSW"
    "PhpICzpdSCukA21W6XYTCPQHq4hqlf5gx8uxijV7liKRKP7bVIjUmblv5SGYGKTOI6gRYq"
    "kREVeqy1sJweHkrFOKghG8x05xEhvZxlA8gS/sRjqTx5v7/jRopOOt5yvDDxrvDGX5dqKQ"
    "jKH+8BOJ0kO6p5BQEswhMTOJBGq7I9rKOV1PcTFAQEeqbhoWxfFWzuQ0HaQFiMzhzS5UZy"
    "nnaIHTInM6iOEmNZfohzAj7CNNVOvsFYyj+z4YU4UoKNIOu8Jlnk6MMpfkfa0pcxlmzii2"
    "q0e1Z6vypkAoBnPaVYOUnpJe4lFg5aFDOUqaH4Fse/wYZ6gO6a95e6r+mrJ+emVFVss66M"
    "GMpiKteh53kkBCBIVVKycHQDXK9msH4AoFV6iIoIIrFFyhAqK6mys0FdicdEKpH35a6MDS"
    "EtD3HoG6CXFm+IzTIdBbnMaZwGuo1tlex7CP/qDsj+wikvHzrajVWSbxQv1IfuA7k/7w00"
    "BWep9HQflIUmDRRIq2tIMakvePg2n/IXU/CqBNnpiOH2XlrjsgpVrIclOCr5pZk8+j8VTp"
    "Die/kLIv3pJ0iQzPmpmF9T553O+R710h19BmljyZdL9eS8jz1MDQf3wzeth0hs+EsiGBwO"
    "IK5pPAml0EmBnfsnkewojz9hFmQa9tLgWBnAmt8vSEO53yjCi+TjZPslRisKVVPh70h2Ni"
    "cZy3DHeODMpwc4tRUN2FfRacZp2PKtVdwKQL1sdj28m2Wh/BSCaykYwktrM7P6funpUZyI"
    "JM+z32fHZU1zc0w1GtTN9nJeBUIbHit46XpOrTngXj2tGMa9C+bc9d8YJZXkCWqfQXCSG5"
    "hVY9MbDG8eiaCcXh9czjTNe9aJQu0pBRr3l5jrSFqs2JqDKVwlOweOeQQPQVVwmEDBHsXL"
    "Sdq1aL8p37k4sG62Hi6FhOjZLa6gyXBkzeAJ5E7ucUGIuUIDPmI9hCJYk3gi1DBaCW25BS"
    "iuiOZiS+CnSCgrs96iozu7aHs+UMAw1g/JAdsaU4F7dHkYp9BGYn30eWHvCLZZhKnjjbbp"
    "zKPrzNPtUZWUjCzyBfW0r2QnLwikeYWDIsyV8iybXtlfSDKq095Eo2vvbNxs/YGp6+yJOW"
    "qhdcce1v3o9vOjnONT02BJQJcAacldi8CCM5T9kUyX6P2ALgQp6w6S3/X1hkrmUPyBCCNU"
    "Boa4CJFn4NFqfIIBlJZP6C7gG6h2gycRXd43jy8D2J3X1iCsPx7e2S8Cp8cv9pDBk3bCrM"
    "CFywxxVHn/HvK+JcLeQ+phU65B5jM72WtKXqz6yfH/FZ1R8Nr6XfU6k+R+5AiI/Gpe0qwZ"
    "9URjDCV7NkIvOgusU4g/P52yr9BvFTTKyDe7kUE8jnOVwg6tp5sfnK8qcoIPEg7wBZGrqO"
    "LGX+qixtj9eJVySGjpkczrwwno27AEmaDPCGDqWg+iOa8MMn62eIQPEHTy5YU1pgTSluCw"
    "3A2/K6JJmdsH7GRSh175pyQabyYzBSixDfe75FOsSAYc7LRSFsMemlvPl7Sb9I7X3EMQmd"
    "LMQy6OmG55jqK7c9KU/XCoPHAQxK4IH+DtQURildphmLVUQXjFhkI0HqMw+WGwIAkxHPj9"
    "Fa02IemZgW6ABausGPmoFyYzwxkc2QtQbV/zo/v7j4cP724v3Hq8sPH64+vt3AW7xVhvNN"
    "/xOBOrORF7F/NrTnWmdqhhCCfkQ+UpeqpSv4p3m1GF2kBm6LzG0wSu7B0ityKPGJwAk23q"
    "PZeNcetac8WHgzqKYW7JEr6mTLv7QE7r2bd+N1zzDtpraFLWbdaHlBwemW229bH5D582P/"
    "VxKAafw5swbyZELCMU08uYUIxvQN3+Qym28IRMZcNHs5xk/nQjlDdLCe0AcDuko9bXY5bV"
    "q3Zr92HfUN8QELr5r2PGw5yrOPDEY3N1/x1kFoZ9b4cTgMumm7a8sK+mjHwd7K6EFORXwr"
    "toOs1N3eYDQh7bY398MeqDNLHgZtuJElTBduaDbaxNm8l8pU2tp1gwYxnBXXCnSHMxn/9G"
    "5fe1vj9daR5dWwEabpwDoosnUw2HLrsDhDCDwWmccewj9O9xQHuZvuSRwbJYv8cPvl+al4"
    "LsMyYnWBZlAfDud3b9+eCtKeg5CuzG1rTbOtleWF5CgPmBoSazknmxniLfHGg5HVkTu3VZ"
    "c3I4dGDvBzJOaQkBF85HpBFaWVw19MkkIPqVE8C8BHDreikSVqTWBKg2FpGB9HfTVtlbKj"
    "sHXrPJ0YunWr+ghBKiB7FbS3nY3nq249rmcpQSsUWSsMrKs1eJymAw6LzGEs77ke4gxTyh"
    "BBoFK+DgS+zQloigTgzMEZOp85Ac0Q7QDp6ew8XA1ojtSKrjVolsQlhntjEVvuyLneZqDT"
    "XPZbY+cyp8j2gMTDtvgTc6rW7vCH3y8NHweDDmVrbQDUwWagdsKaOU4qAEsvAAXBs1lUU1"
    "IPBM82D3c2Xy5TU39HpDJjtRGtdN3V3bBK1XptI1D5aha7gdXOfh57D2KPqrowYtiTmi9b"
    "QthTxR2r9dwICSQHuWH/C9XSN3F610F7jJA1pP+FpCPNwGOcSZbtS6pELKP0bhuNjEotjb"
    "JK1mKctwHVUYSKroeUuUYV/WjCcyKapQJQy/X91KbSQB5i+8SFvNCfnV0iVe7vISx9LAxN"
    "pZ+l6dulh6mWPAjpYC0/sKz1ak7Lk2XnyiQUzWRwbMf5cHkyl1USZS7ZmTKXxVSZtU7i73"
    "mrpeXpIPurWvZXZJLlTrPL0wHe1fA2yAvXml+jwQSFFFCvOstXDpY5SMqVTk3FI8ENrIle"
    "IC2LbzhB/EvgJgELOSgXhomUZ/TKM3PTNLWmrGBOhOyMvXp3XmHG4qeYMza4l9snPG9dKx"
    "AnQwgRdqKE5lSJsDM8xUUv9jPiDaHPEkLsNkfsdoRbjYWWpYSYN5Fj3kJe4UWiUr3f7G5T"
    "BcI2HF9lnN1H1ymIOGy+p0ik7nKW78tQAag5UJHl2qa54se1QHhYs5qQwJYY0KNp2IABve"
    "XhMtn1mrGcj/GZOO73ph3KTtsAsN9xKGKCLI9TgraLFPkwstDUxv9U5IKcGeoUN46tfChs"
    "nVV4sZPTZ+LjxaDfGSbV55O6e1bm8vGC5xRi2ThEr2b7mxXudNCpWRhPEKcRbBf7l1hr+w"
    "DmL9s1ngxLNbmN5AXCNprIr66qmMivrtgmcnIvr6RZPtmFA6A4AM/TtRDvd+dlqeubynHn"
    "H9il48i9nAZn/EkLzC3pZBFTHK5WwD4RPkofC2+pnl+955neCUULJ3bz7ntn7eJTtHatyx"
    "S5yHB3ul+60+74WlJfsHDgzqze6HE8kZXp58f7m2G3P7iWYv/4cr2aW6phxqV1le502u19"
    "vpeH07jKLqm7ompLIgPjkeTxtH/X73WnMh4kiSuaWZPHm/v+ZNIn5Xm99XxlBOWn09cVwp"
    "f+Fzl9X1FdbWm8hFDznjNVpsc5e3qcF6YHVI5gQ99ev9ZR7b+nY3uHDOkjIhoo2JyApmnA"
    "mF5u890YMMDiW2YOS0+p7QnShzf3irn2m048hyzpiriys6T5MnpDGXXHfMLJRujtJjJvO3"
    "Dfa0LhBCse91hF6dDM4fG9s1JjODEAreLHtmYS/uIaJJ9YUhc+coP8Prypv5DEP01DDuZV"
    "cC1KG7kOkvwwbPjyv+y5tMCswRBKho+pLN0jeYBLfKGYWrif18ywytWVNFf1ltIc+d8QeU"
    "MwINkKgtxF/KAX5Cq66KeQOPUi6ZvhL8OvwVBLUfrPT/3bmfWD6mOVUPV8ycZDnUkGcf5h"
    "/Q9/ErnwIyvPsWqCCBismzafsp0DZYl4bMhLE/GEMoEcH/t0dJdmOAbV4cqGOkPUQqQvzq"
    "vE0eOnmEgH93LdmNDKMZm9bOhAp2laiPMeUqDIaVqjymZCBuYx0c1jBU35SAmw9tqh90KM"
    "7pSKfVrwDGS8tjzOgbc3XLNt4QQSHC+rnKiX7AP1snCeOsjVyLZtLxZFhCcr1TTZbUGypL"
    "WcwoJpv5FP+OL8w/uNF5j8Ueb3ndx3B4Oio1ddka4GdFyZkGaJWoRoY0X5w+5oGpcamaZp"
    "Q/ZETsyuImSzRez8hvCimoau4FkY2lJ45L8cKSQkiZyQROaQi3TSbiXuIV1xk6JQwk5V3K"
    "nIFPcCoNCKlk/JxLdICL1ZCscAhHGAnsp25zjqKwlm2tGd8xCOcnpb2b6cOHm/LwXfe9V6"
    "ndrk373n+YiaXRL8MKVozYh+pkvmHd6AUlDGNoyF7QZ8IH6P65zPeMOk5CYhi+76S9dePy"
    "2TG0qKQ1S3KL6uFBD/q9RWE68HirEmtVTY1pr0qmzWXPNbx3HtF0OPilxF/4/P0AUikj8q"
    "1Nz8LajhSB6GdBZhzDxpHtaK3U3PAYHt/B2SUvZAgmQxyg6aWfdf77rT0Wjc/XwtrV4Xqm"
    "/j43WZdydXShRovMM8ZTFR2cOwEVGp26eE78Wr+Ix/Wt21ENMebh3gY4ZUY1shzk2ng2VF"
    "hQiH11I8wsway73H8bg//HQtuYjYbwgrhFgPoYmO26Z3WDXuhNTkoxj06k1w+dPDvg7UvZ"
    "r0Iqsy3oLXpEcevz06TQm2iGKfWNWndfuutlEn1AecyQ4KYst4d+oHeXgb7MkRPdmnf37s"
    "j+WJ0u1Ng7wgF/2+NrDIp6iBMEqSg3o9Wb6Vb0lOkKYhhOfRzLrr9gfk0kI1TPL3Q3c87X"
    "cHg6/KWL57HAaPB30eVNN83cw/8r74bnpOHj+tiPyOtVunvlORsg3S0cELPIE98DuxB+Z0"
    "Ew15Xi2+52nBWyWytyoyanEn8CVEkG4mUEm8ViIqRPG2ViLrreebt/MWHCySArpZdKEB0j"
    "7TTmM/A2SdlqXxpSaUkEUGxVz4jdQYpB9hDYDLVTvwRAEuLx5Ib9SbPpIagHmSG66dQFPO"
    "8QpQa5scgt03CqfN8GZUJQawVQJvQqvcjnE342CQFp12e02efjBVav5McP2sNB4DPwG5My"
    "0PquAtX9niqpXvKiWkvitJSH1XTEh1XENDCrdXOE8GvmHwDR/DN4xfgtwXlZLrUc19maYX"
    "ecvo3I+GUxJeZVv+cmZ9lUnxxFekunX8hx8r8OAjkwcfix0nSRiYEm4JfOUaKKRtcB8eIL"
    "jKCF3UL7QSuFs6XSV0B2x0FQsnJ9vnCly07OneLhdtrZSNtIK/exkuHouIaLPhKFpkpHNT"
    "9MhEG2drkim1H3TJ9uqS6WhuzG9OWYVO3Yi4IlCJhv0IKyTb1vaJXsPb+ZZC2rqyGHvBHA"
    "K9m1Xm67S+3Ckksp4if4QdeS8RkSQQF3lEbJ6/cnr3KaQQMwHKzPepzGRsvWECK+dyylJB"
    "vEx5vIyTZBLv6LOtnr4vKLBbvbbZmdVAD8nm9MlJYJjsrT3fXgWqHKXPYeaJs/Jeh4GZU4"
    "serqZodmRVW0okskgyPJJbKIWvlOJhzqRoMw6KGxfLN9eg30GFFScMT4TCCg1rrjHLOFXW"
    "HBkoTpX6+IFs9J3IRhyG3uJZsy1ElrNTcd0AWRE2uwbCYxs8udPWc9q5nbOul5zaeZP+QY"
    "q+5CMF86VfwIYshA2ZfgyLWuQlkkA5oT7NQi9bs20qmPi3p91AXAJdetpAWFNkZdED/JXg"
    "P8FiDoal2SsnEAk4t6f+sDe6fxjIpNNrMsrMIsUcSBPXMNCFVGeYTJXbR5nUZPB8RV/ja7"
    "3usCcHNRw0AoVZrxJD89tYGP/nKw5yDVtXEK2E0hYthDoC5IeLnB/uqAb+DVERRE5+52mB"
    "0yJzOtxtFLV8hZeG8LGGOGA03+YKhPOBlUeQ5VfFA7Z29Jpcz1IC10XhOmXTjb4+dbqaKm"
    "/dhRQJeDyh4MIBHchQcKH5ggtOlEu6q0c+GqalmKb2PG5fPPQuOGb0+y9ovrTtZ/mFUd4+"
    "c/+szOfxLXxSQS+HqHQfvAWcHODkOFZW5Sk5ODaLhcoU+gJI04jMCJFM6AFAHBjHz7cQ33"
    "dvK1UceFtSceBtseKA+mraKmUa/30yGjJDUGOSvOZtaL70H8k0vBMOlKSBS8DIqNeFoPp8"
    "/HxumycDFIPqNWS81LJ/5EjBACKKAQQKDYN7IZX15fuksSVPP8w0CXRHyPsJTOIxRq5rU4"
    "RhdupXlqoNsQuHyP/aKR6zOW16aPvGwtBUVgRh5v5ZmTZtpZ7cf3Y5vSncmZRcJyccdIpr"
    "aNrvoF+zVYztuvUpqBsdeTgeDQb38nCq9LBQ3x/fk0ibVLVRDPPCcFekJ8qncfdWVsbyQO"
    "5OyFNPrqqTfiImUj1yf/J4c9+fTPqjIX5o+jgehr1Y5ivD80h4nov8tWuRJ3vyeNq/6/fw"
    "Qaxgiscguge50RpECiZYh91avgafNpYnj4MpiQoK85AwA/Gvm1nd4XD0OOzJ5KFrSbUsG8"
    "84RB6ZWYP+Fxn/7PB78GmN30g6yphYNlY8FH4R5hx+ab2OXxfnFTSui3N2hazzgj5r+Caf"
    "QhsTiDzF6loMKmm05yUa7XlRo53bOqWmAVs6iJ+HtHDutHDTsJ555nL8fAugzk7kq0oT+a"
    "pkIl8VJzI5sHjsMvHzhzfKpKSA+dow8W7rvSGvPYYgsBdTDcQnsRdCew01sYDOyfIUGZhn"
    "RDbPQOgMhM4cO8yDFTrT6056WBM7VsWFtFXlIWm3vcX+8pBpzF3NEqM4G6K9RDjE0zCYVh"
    "DZAJYXsLx8n5YXvAvhj3MZ9Q63T7g0vdCTrj+8Gf2D5ODN7T9mlnzf7Q/wnFuphjmzbkak"
    "bvncJmXLh1iswi+wLVSHQQ2XLQdZDGQxkMWoslg3tfHSJLDM/VK5K72FH8IDlrTWc9Zz0/"
    "CWCBxeIohd4IP47n0QJx6ckImnMiwL8abtJkSQqMuRqBvt43Ui1zKULTSEt8kymjmu6zEa"
    "QhRPgtPg2WLLCe31bOGbS5tX384QgcaddxGnu2NXhTRDBJCWGzEO36hdUFh36NS+MWUUdw"
    "OwD22DNbMBClUgvet5mFFMA1Fy96zUPLR5DppvgQkITEA7mYAM8sK1xuhAyDYF5elaECt5"
    "aINQyikavq0APzuIkkYrRkAleV9rAip1fDrwq5wJFRgVRDYqmCTKwLFNg9Vtfbu3PTfEAX"
    "dB0lDS465+O5bvHifytRRSk6q3PfmBRE1oGnKCKXtkB3sIKLJU038lpSo1el8k01aZWZT0"
    "AXKsWZAR9sWct2/2lalaAvbt6PFmIEsPY7nXJ+Eu2fUW3Myazcdyd0BDX1dfeVKBMzSQC5"
    "x3RZDF4tgGtbhVyTTOkh1y8r57e7LT113PXUPjkaMSCpCeGpeeVNPEBzIJ04uF1SJrSr2f"
    "9AEO6AmNleqTdYQG0ZlzUpyNhFQ+2ay4Qjr+dOoDCjk5U8/+dezLKir2JVvDviwo2OC5Yk"
    "PfXs8V1IxuG9cpGmWhZjQ41xr3V5rI8xgtmdiQZoigSyh4Kw/krWR71WhW3x2rHU8yQnFL"
    "QM/qD662NF5ohvF6OHXD8doEV9Fbm986i+BxNhkdbIY5xd1y67LOnBUVlvWufUbjNUtxgG"
    "dXdGmP0fQW0nQqqprxw3v+Wo9d8mHRv0J6apEk6AgH+RPHdZ7H7CpAva2q42ENuftUNRq2"
    "5YqfL9Ea5/jaNXksVdHjbSiaWQj6qBj1URr2UTBLLQyTyLJcQQdpGjCXN24uD451v57VKE"
    "/bQrvR6dqJiuZBw1OI25TTHZKigmwwDicIcU4z8GaKQhka8GrnIRW9ZXRRoN/skJzHRSco"
    "aDKdbsqYkDGiMihx+RP8d1LrJC5w0qlx2jffAIboup5muzQTHzv6IENVM/hAMLFqz6EHu4"
    "QsQbRSPcz55zXMaf5wmnAj4FIUCoRiaAutqvW6QEgnRkkee0SaBmwS3DaJ8KyvoZ1lCCEm"
    "XGTNLJbeahXUzZACn0Xmc+Kx4E0vzxNCyAZ9m5y/ciKbp9sB2NNZOBy4Rp44TlSzVDBZy8"
    "Nhso7MHUNisgnNpwnv9mzz/H64PZE/5VLeEeGWZ/Jn1+52YDc76OGgFXOn3Yps/qzJYIs/"
    "Qho+DgbHKpNQjFgqDRZJhTVViRlR0mFVW2NHOl3p1/6DZC8k1ZKStf43LzGGSsQv6J2Fer"
    "Y0f5VU6V/2XFrYruQvkYQn2mIhfVvamPwZ6W/ydtH9vAFKOwhw0J5J7OgU0T0IFDuGgyw9"
    "rhPO4UB4kIe3QdXxiJ44C7q3X4mnQNVfZ9Zdtz8gjoOFimd5LbdBwzm4gZ9fs9e0I5rpMM"
    "sSgccs7zHjbge7WyfY79tSB0lX7Hl9muk3VZKuFoZVtxpojhRsd2C7O7F13YyNKQrx4wE1"
    "RQIWu5wDFeEf4/l1jKEUUpisYLs7uu0uPS/BgLcNYMoq3g4x2VAbgHbiYwr9LhrsJLffrf"
    "imzh6hLHifiHlx9IJVOEOnWu+yD5yVWe7CBmt29GxVq51DjA0/2VjOvw5sZBb6hiei5Nrf"
    "ArOZKv0QGZfPJMNHqx8lwwuesy0kGRZ5RkP/jR8jBN8MfylZdtFwt4eXzKwgakgyjYUfPR"
    "z98jeSrLqmgVzyuCep+CFyW0Om+TdPWhoenu+vZ8So4uFpg8fXTPzuqtbAdBeglH+CfDYk"
    "sh3ZVBgwoYAzOxkofr6FNWA/VkkG+shOBfpYSASKgk7xPkY5c8piVtNkEE5ZJZwy2Jl4TI"
    "AJRSumMlgBhWFFi62AR20acjo7GvQMgViuFoAKpY0O34gF4rcq4sobv3XoDjdinlY7NLgR"
    "wu5DCqZOkE9ayofbGM32k3nobKv9JyjC6qWfh643rbV3RMV2Db6kuyyVGBl3rarPgTcZH7"
    "mKp6k0+zybMXk6YE3jrIFyu0xWnKimTwkEEbzcrgjVDptQoHgkp+3KFmexyfqqlgjwN15D"
    "drdui8g1tCVNAo3ulIqdavKMMKImM/iYupopQccRT4SdR80EHbMlyxfk0ttwsJ1pKZJWOC"
    "Fy5fWurio41PBT7OJ65F6u7wleVBwIR4+3EN13lWoXvispXfiuWLkQv9GnWp9KVKOE5PDC"
    "93FO/cbE7J3kg10Ps7/+D/oPDa0="
)
