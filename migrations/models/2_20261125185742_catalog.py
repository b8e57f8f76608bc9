from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "courses" (
    "id" UUID NOT NULL PRIMARY KEY,
    "title" VARCHAR(200) NOT NULL,
    "slug" VARCHAR(220) NOT NULL UNIQUE,
    "description" TEXT NOT NULL,
    "search_document" TEXT NOT NULL,
    "category" VARCHAR(100) NOT NULL,
    "difficulty" VARCHAR(16) NOT NULL,
    "price_amount" INT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "is_published" BOOL NOT NULL,
    "published_at" TIMESTAMPTZ,
    "archived_at" TIMESTAMPTZ,
    "thumbnail_url" VARCHAR(500),
    "estimated_duration_minutes" INT NOT NULL,
    "metadata" JSONB NOT NULL,
    "enrollment_count" INT NOT NULL,
    "rating_count" INT NOT NULL,
    "rating_average" DOUBLE PRECISION NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "instructor_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS "idx_courses_categor_a3799c" ON "courses" ("category");
CREATE INDEX IF NOT EXISTS "idx_courses_is_publ_5d5f19" ON "courses" ("is_published");
COMMENT ON COLUMN "courses"."difficulty" IS 'BEGINNER: beginner\nINTERMEDIATE: intermediate\nADVANCED: advanced';
        CREATE TABLE IF NOT EXISTS "course_staff" (
    "id" UUID NOT NULL PRIMARY KEY,
    "role" VARCHAR(16) NOT NULL,
    "added_at" TIMESTAMPTZ NOT NULL,
    "course_id" UUID NOT NULL REFERENCES "courses" ("id") ON DELETE CASCADE,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_course_staf_course__a8afa3" UNIQUE ("course_id", "user_id")
);
COMMENT ON COLUMN "course_staff"."role" IS 'INSTRUCTOR: instructor\nASSISTANT: assistant';
COMMENT ON TABLE "course_staff" IS 'Instructors and teaching assistants beyond the course''s owner.';
        CREATE TABLE IF NOT EXISTS "sections" (
    "id" UUID NOT NULL PRIMARY KEY,
    "title" VARCHAR(200) NOT NULL,
    "order" INT NOT NULL,
    "course_id" UUID NOT NULL REFERENCES "courses" ("id") ON DELETE CASCADE
);
        CREATE TABLE IF NOT EXISTS "lessons" (
    "id" UUID NOT NULL PRIMARY KEY,
    "title" VARCHAR(200) NOT NULL,
    "slug" VARCHAR(220) NOT NULL,
    "description" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "type" VARCHAR(16) NOT NULL,
    "order" INT NOT NULL,
    "duration_minutes" INT NOT NULL,
    "video_url" VARCHAR(500),
    "is_preview" BOOL NOT NULL,
    "is_optional" BOOL NOT NULL,
    "available_after_days" INT NOT NULL,
    "is_published" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "course_id" UUID NOT NULL REFERENCES "courses" ("id") ON DELETE CASCADE,
    "section_id" UUID REFERENCES "sections" ("id") ON DELETE SET NULL,
    CONSTRAINT "uid_lessons_course__11326e" UNIQUE ("course_id", "slug")
);
COMMENT ON COLUMN "lessons"."type" IS 'VIDEO: video\nTEXT: text\nQUIZ: quiz\nASSIGNMENT: assignment';
        CREATE TABLE IF NOT EXISTS "enrollments" (
    "id" UUID NOT NULL PRIMARY KEY,
    "status" VARCHAR(16) NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "enrolled_at" TIMESTAMPTZ NOT NULL,
    "started_at" TIMESTAMPTZ,
    "completed_at" TIMESTAMPTZ,
    "last_activity_at" TIMESTAMPTZ,
    "progress_percentage" DOUBLE PRECISION NOT NULL,
    "completed_lessons_count" INT NOT NULL,
    "total_lessons_count" INT NOT NULL,
    "total_time_spent_seconds" INT NOT NULL,
    "rating" SMALLINT,
    "review" TEXT,
    "reviewed_at" TIMESTAMPTZ,
    "course_id" UUID NOT NULL REFERENCES "courses" ("id") ON DELETE RESTRICT,
    "student_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_enrollments_student_faeb87" UNIQUE ("student_id", "course_id")
);
CREATE INDEX IF NOT EXISTS "idx_enrollments_status_e7cb39" ON "enrollments" ("status");
COMMENT ON COLUMN "enrollments"."status" IS 'ACTIVE: active\nCOMPLETED: completed\nDROPPED: dropped\nSUSPENDED: suspended';
COMMENT ON COLUMN "enrollments"."source" IS 'FREE: free\nPAYMENT: payment\nSUBSCRIPTION: subscription\nSTAFF: staff';
        CREATE TABLE IF NOT EXISTS "lesson_progress" (
    "id" UUID NOT NULL PRIMARY KEY,
    "status" VARCHAR(16) NOT NULL,
    "started_at" TIMESTAMPTZ,
    "completed_at" TIMESTAMPTZ,
    "time_spent_seconds" INT NOT NULL,
    "completion_percentage" SMALLINT NOT NULL,
    "last_position_seconds" INT NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "enrollment_id" UUID NOT NULL REFERENCES "enrollments" ("id") ON DELETE CASCADE,
    "lesson_id" UUID NOT NULL REFERENCES "lessons" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_lesson_prog_enrollm_4544f4" UNIQUE ("enrollment_id", "lesson_id")
);
COMMENT ON COLUMN "lesson_progress"."status" IS 'NOT_STARTED: not_started\nIN_PROGRESS: in_progress\nCOMPLETED: completed';
        CREATE TABLE IF NOT EXISTS "progress_reports" (
    "id" UUID NOT NULL PRIMARY KEY,
    "report_id" VARCHAR(64) NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    "enrollment_id" UUID NOT NULL REFERENCES "enrollments" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_progress_re_enrollm_b286cb" UNIQUE ("enrollment_id", "report_id")
);
COMMENT ON TABLE "progress_reports" IS 'A client''s report id, remembered so that a retried report adds no time.';
        CREATE INDEX IF NOT EXISTS "courses_search_document_fts" ON "courses" USING GIN (to_tsvector('simple', "search_document"));"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "sections";
        DROP TABLE IF EXISTS "progress_reports";
        DROP TABLE IF EXISTS "courses";
        DROP TABLE IF EXISTS "lesson_progress";
        DROP TABLE IF EXISTS "course_staff";
        DROP TABLE IF EXISTS "lessons";
        DROP TABLE IF EXISTS "enrollments";"""


MODELS_STATE = (
    "eJztXXtv27YW/yqC/1kHdEXrPNqbe3EBx1Y6b4mdazvdK4MqS7RNVKY8iXKbbf3ul6T1pC"
    "hZkh+RNQJFEVM6FPU75OF58eiv1tI2geW+enCB07pS/mohfQnIH4n2l0pLX62iVtqA9anF"
    "bvTIHaxFn7rY0Q1MGme65QLSZALXcOAKQxuRVuRZFm20DXIjRPOoyUPwDw9o2J4DvGAD+e"
    "130gyRCb4AN/i5+qTNILDMxDihSZ/N2jX8tGJtDw/93g27kz5uqhm25S1RdPfqCS9sFN7u"
    "edB8RWnotTlAwNExMGOvQUfpv27QtBkxacCOB8KhmlGDCWa6Z1EwWv+ZecigGCjsSfS/8/"
    "/6Q4vdpmmD4UQbqxNNa5XAzrARxR0iTIH66+um3wgQ1tqiD+h+3xm9OLv8lkFgu3jusIsM"
    "rtZXRqhjfUPKQI9QBksdWmmguwvdEQMdEnBYk6EeBuUAoANA2lrqXzQLoDlekJ/ti/McjD"
    "90RgxmchfD2SYrYrNOBv6l9uYaxTvCd6W77mfbMbWF7i7K4Jwi3A/eQUMEeLSkj474m9ev"
    "CyBO7spEnF1LIj4jD9bYjxJoJ4gaiHS7ENLtHKTbaaQd28oAWUXekgHdJ2PSkQFSgAe0h8"
    "I6Laxd7JkA4ZLiudXp3fUHV4puLiF6RP3BeDJ66E6GoysFUrw9A9vOIxpPHnrqYHKlxJ9S"
    "djVcFlkMl9lr4ZJnEHQ1sm3DtYBL1zZhgI4yNtM4HcehKSE81HIImHbc3fN6OLylPS9d9w"
    "+LNfQnHMYPd9cqwZ5BT26CmDX3BxMOcLY5amvgQPIgU9NxGvgewQzDJcjZXfkOOA6Yfg+v"
    "gj8KsMNHti7CKYcbk/6dOp507u4TLOl1Jiq90matT1zrC35RhJ0oP/Un3yv0p/LrcKDyCl"
    "J43+TXFh2T7mFbQ/ZnTTfjmATNQVOC55buYs2y5xBV4HeKWPK6zrymHPjTRqVUizjN8TSL"
    "1sOkeyhLJLltXRbRmi+zlebLtM7s2DMoUi1+GA8HGdpyRMKvIGhg5W/Fgi4+GNaRHTj1oI"
    "WJYvCKPvY5TEEKUWI1BUC/uOv8zPOgezu85pcJ7eCaY8hypmsAUYgENnmuJsFRHlGXCFtO"
    "Vpmg2LnAcIBgV8kWN0mqSgKnZhvIocUNRWwFkEnGUBHvNLXEvRjuTP9xMVgJ5Aqc9xHOBj"
    "1ByuENURFhXze853QQ3/2r3T47e9t+fXb57uL87duLd6/fkXvZgNOX3uaJov57KlQS/EhL"
    "GTJjKUIVdNck5R4U19q5UMgLmkNkPflz5UQ0WX9a5yqy3sqsyPUkpeR6XbgusF/Y6Gl8Zf"
    "Yp5vunDVPd+PRZd0wtcSWaHi5wXQKbK5DKPuXNjyNg6Qzb9DTwQ0wdDy/Gm55OcB58DWZ+"
    "0BrNhwgoYtdpdJ5r2P4EdsVriMCE9DWhXTUVMMP2HDK7NKx784VA+JTBq8v6aipSLtZnMy"
    "JofcT2AdWYdtlUvABybMtaAkqzE1Zq2FGToKJi327bWRtB+tKyveRbdKTP2SvRZ9MnCQS9"
    "INWA2weyMw7I3rXQ4nvP1syDFpGZigvn6DuIFJv+A4oJ1tAA5LUXgFAtofWkgDVwnhTHxp"
    "SRigNmZE9dKExmK1Ng2Wjukl+v+KjNfnt/RI+oYxjk9TbXXIXiRDuCjuK/tfLi40cXmh8/"
    "fvtv0tHa/kQGwh4VXCe9e+Rv2rZUdEyGZAA2bplpcQz3zg6ZFtLQaprKXcTQYl4KsmKr8J"
    "2nlZw/Jc6DLytIeqsSBE5QNpDrJ8LlQiFBtktXWt5JShn4rT+XNSKt3I0SWzQ8kCJsXmTg"
    "rF0gMnDWzowM0EtJnzTNPNaIqYFKRWKSVEcMtR9KD+VgLpTCd5aTwneWTuGDgsBLNsJQFG"
    "s5fWT3H9piU7GcWRUj2adtVd89YIsplfJbJ9FNQ3tjO4CY6j+Cp1TmqdjPE5yAOE1IUx4e"
    "0uzon0PzPj6hyLuTNwabRINuZ9zt9NTW1yKBgH24tUcbh0jj3NqH9KglQgEClxofKsj2qQ"
    "kiFPI8T3O9TCvPIRSV0/Jj5HU+BdH6oI76N79o6l2nf3ulsHzpJ40lTz+ikUqp7jvj8U/D"
    "Ue9KIeABrAXnaXgf7/NouGwxlj4TlKRq3AGs/eth0ueaDb30vEnPW125XMgnU9Grvl+Hes"
    "08Mw3jrzSid9MUpRH9fEb0Ic3DhEktMA95kzvbPPSzFaR1+I+wDqXZIc0OaXZIs6NGGkyd"
    "uCwD/pLLIZdXlm4QZk2fyigmHNkOGsrp8HarPpI6V1LSqktSScMu37Bzo0zrHW27Zp7fec"
    "mZeMnZVScrzz/fIrDvopMv2ZZd7NyINOkabNJBnFWFK8OaCwjqHOCraModpMyZa3nzMgAH"
    "9zfOUG63C6HbzkG3nUI3PrIUyBPwJaMCAEfWgJy0PO1Z/XmSUJxTRV1C5fl2OHgf3M5Xeu"
    "F1Md0xFhoZmLcUZlpmgy8glQwozQCDADO3HYF9kS1b4jTHK514KMSPUA3UhLMZNMioM2De"
    "nhKT7OGI83wK5hChTXilTG7Mtfq+Pxiooysl6IHWrZyoozu11ye2Na1ciYGzBCYkQ35End"
    "6HzqCr9miRyzWFoFKOzP6rV64caABNX9qeSDpl1obhySqVhqnEsdeHWiabwjDtN+dvz9+d"
    "XZ6H9WDClrwyMIKSL57jAGSUEzwxmiOuAfX9/XGEz1mRDK/sBC9B5dWVN7WguyhdMo0nPV"
    "jNtJScD/E/2ZJpIXAVvLM8rfTP1tk/SxVQuK7EaI5U8rnOfMYLbzlFtCiy55T6TkGKsHkH"
    "7y4KKcwXOQrzRVphBi6Z9CwGbXoOO9mhLSHysKgCTaYOlt+J1MhSpT4B1qmHLw1xdsnbOI"
    "2seZtvnVeoeRuVE6IVmEpZICJSOef5OU/lApqXBpcnk8BmAKuvCQJzQWjgxrL1fHBjpBy8"
    "M0p7MIBfHQriHPx6w4frW1W5H6nd/rjvC5JQBWIXk1bHSO3cynwvme8la6g2jusCiyRVZj"
    "D66k/JLJYUoUxkyU9kiQAT7GHynEIiiSU1uRJ5LCMy6Uf97qTYmX83qBLKOS1ludFEYTfg"
    "ujtXSL5lnTQVIhcwA3FHjMabXpoKkixbmwvV4fPrNlIqM8kuFGLbMu20UG5ur1rbD8W1q+"
    "jIVDDQjQUt9aq7LqRbGXaVKXiy6aUFUDYP+MZV7M+Eq+kytbt3J0jz+81/L3aZ7p6/y8S/"
    "OiX+1fnrmwJ/YTgVS6LcyvrkZmc87hNdnn50M9n3sycuEGOiWmAqRieNwroYhUVcAf4OUE"
    "7wJYikMShL6B3Rto629h3t6sZ9g+MlZ1knVqn4dAg/baW74kTLKvjmuMAWiAz1bDMg5hHY"
    "74GbuCbODhdITbxWmrg8gtPsIzj1wlcewrlq0BkQG+GSh29iJBLw0oAzrISSZLvXJKA9Iu"
    "yYTIOyDpMP/Z46vFLW0AT2I6KwkH2X9POI/vfQ//VK+cODf27cJ+8Hd2rgP5mjwHX8/A4U"
    "2zFFWnRmTlB4v0wG4pOBdkjilKmbRQBmy6xscnKCSCYmF0pMpudiHLCG4LMgTrbtQE1EeL"
    "DjNGm8w5aTPU9DoLPZ0HTB9N4GepxSol4CdX2tQwaBps8wcDRTfyojt7PIpewWTO/an9Jr"
    "4gSX+bLZU7y5QTKZL9s0rhfJl5Wh0QNU0WMO89JV9OJUsjKhjI8+R3zUjbI5d0S2eF5oPS"
    "dsgcKE8QWbgJYMQRk83N4WS+heOTad+XvJVb6P9dWQGX3QHNNglgpiyrEJnB1UjudQyzKO"
    "MoYsY8hVY8gyqLC/AlJSp5f6Z020pAL6ZxEd6bjHuU5EIz2oZhQ7ryRQjpKnmbL1I+741L"
    "4T71zsmf4Y/CUpc+9qpTcR+Yc9wbItltERUR+vmCqZnXANSqLc6nQn/Q/qlbKhfkTd4d39"
    "rTqhVTsNe7miMs98RL3R8P6etpmOvVrRlvHD+F4d9Gib67krQAZWk/KeLllPRuVcnIj6iN"
    "k4MweUZtzNSCVso5SP6L7zyybhZqU/UZFF2XM97o7695P+cEA5NA1pybVJ5+aGNAbHCp+f"
    "ZRthW8mFz5FKH35dfPhFIjdkCjrVIjdJSllqsT6BmjSXw32kSlyWo5WcrjOnLd3FGtMkIH"
    "6qwG0RveR4nTkehAC0FSBqE8JlC8Nl0MvqcEWqw4Wy0XcylK55mNODdE7yzklsY92qDHUG"
    "tYRZDDOV7Bo1K7HmAvJEs0yiYl4XEnBxWc80vOOlbllbyqVWRrRmW7KP6Vn77WUIJ/2Rh+"
    "T4rnN7K4AzI5U8++BVZg75SWbsH/vg1Qa9qt/NjZNKTbPOmqaMDe4/328ThCib75egkqBu"
    "+WpuFOjZMeLa8NIdyWm1PeFPRrJ3j2SXq9+6MV40mfWXH9vmvvZuO7sW4AxAGrHOmgTV4W"
    "vuhBMss/ZOfApuq8GTmPv7TgkAicyEzQNlVoDMCtgxtoxsrPnRspJYt9i1SWfEsgFi/dDP"
    "fmr3o+F7sn+MafHMcF2I8wdahTh28LwAGWz8R5iJMtj4z+D0bi5i6RwumJHNlgQ9LpQX4c"
    "v3FWd20hi89+E4ZsFvskggA6r8lM6kbwzKe5vV8sR4NtSnmW0m2DFyvohR0uOZIpROT152"
    "bczjcrAmiCSk+X7kpHdgR5dnIz/p8pJze6ZW7XafshWes9kR4MZ9f4kHN7F261Rqm3OWCt"
    "x+aXdqttsvTE+LOXK3f4WnoxgWJPPuG1fZ0CnQfEn+XILlFDjAVFxbwQsdKzppJPwgLf59"
    "ZDNzFUSuUi2Cd5vss98CHsgNKWWxdELWygkZMSYFdvax7gRRA492X54X8Bdenmf6C+klPr"
    "HEAHBdMbEkQSrNhLqYCUUOpUgzQeq0dVW7Cuq0z6N6dYADjYVI5fKv5KpaenRPbcrRZPra"
    "hOtb4FjzebibznL4vNcdHWvZqsoaOK6wKldOCeuIpIFqSvviokgFmouL7Ao09BpX15csqh"
    "II+7c3EN03her7vMmp7/MmXd8n81MaP4yHg6yAR9anNExoYOVvxYLuCW9TInApGAkFL5Xb"
    "zadxc+oC7eBapC8cczP7+n+LKQKe"
)
