from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "notifications" (
    "id" UUID NOT NULL PRIMARY KEY,
    "type" VARCHAR(32) NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "body" TEXT NOT NULL,
    "link" VARCHAR(500) NOT NULL,
    "data" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "read_at" TIMESTAMPTZ,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_notificatio_user_id_8d780e" ON "notifications" ("user_id", "created_at");
CREATE INDEX IF NOT EXISTS "idx_notificatio_user_id_87be33" ON "notifications" ("user_id", "read_at");
COMMENT ON COLUMN "notifications"."type" IS 'ENROLLMENT_CONFIRMED: enrollment_confirmed\nGRADE_RELEASED: grade_released\nSUBMISSION_RETURNED: submission_returned\nCERTIFICATE_ISSUED: certificate_issued\nPAYMENT_RESULT: payment_result\nANNOUNCEMENT: announcement\nLIVE_SESSION_STARTING: live_session_starting';
        CREATE TABLE IF NOT EXISTS "notification_preferences" (
    "id" UUID NOT NULL PRIMARY KEY,
    "type" VARCHAR(32) NOT NULL,
    "delivery" VARCHAR(8) NOT NULL,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_notificatio_user_id_bcf899" UNIQUE ("user_id", "type")
);
COMMENT ON COLUMN "notification_preferences"."type" IS 'ENROLLMENT_CONFIRMED: enrollment_confirmed\nGRADE_RELEASED: grade_released\nSUBMISSION_RETURNED: submission_returned\nCERTIFICATE_ISSUED: certificate_issued\nPAYMENT_RESULT: payment_result\nANNOUNCEMENT: announcement\nLIVE_SESSION_STARTING: live_session_starting';
COMMENT ON COLUMN "notification_preferences"."delivery" IS 'INBOX: inbox\nEMAIL: email\nBOTH: both\nNONE: none';
        CREATE TABLE IF NOT EXISTS "announcements" (
    "id" UUID NOT NULL PRIMARY KEY,
    "title" VARCHAR(200) NOT NULL,
    "body" TEXT NOT NULL,
    "pinned" BOOL NOT NULL,
    "publish_at" TIMESTAMPTZ NOT NULL,
    "published_at" TIMESTAMPTZ,
    "created_at" TIMESTAMPTZ NOT NULL,
    "author_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    "course_id" UUID NOT NULL REFERENCES "courses" ("id") ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS "idx_announcemen_course__87ace8" ON "announcements" ("course_id", "published_at");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "notification_preferences";
        DROP TABLE IF EXISTS "notifications";
        DROP TABLE IF EXISTS "announcements";"""


MODELS_STATE = (
    "eJztXXtv20a2/yqE/tkWcINEjpOs78UFZJlOtStLriSn21YLLkWOLG4okuXDibvb735n+J"
    "D4mKE4FCWNmAMUQU3yDKnfmcd5n/901raOTO/Vo4fczrX0n46lrhH+n8z1C6mjOs72Krng"
    "qwszfDDAT4RX1IXnu6rm44tL1fQQvqQjT3MNxzdsC1+1AtMkF20NP2hYT9tLgWX8HiDFt5"
    "+Qvwo/5Ld/4suGpaOvyEv+dD4rSwOZeuY7DZ28O7yu+C9OeO3xcXB7Fz5JXrdQNNsM1tb2"
    "aefFX9nW5vEgMPRXhIbce0IWclUf6amfQb4y/rnJpeiL8QXfDdDmU/XtBR0t1cAkYHT+dx"
    "lYGsFACt9E/nn7f/GnpR5TlNF4pkzlmaJ0OLDTbIvgblg+Aeo/f0bjbgEJr3bIC/o/9ibf"
    "Xb77PoTA9vwnN7wZwtX5MyRUfTUiDUHfoozWqmEWge6vVJcO9IYghzX+1MOgnAB0AEg7a/"
    "WrYiLryV/hP7tXb0sw/tSbhDDjp0KcbbwionUyim91o3sE7y2+jup5X2xXV1aqt+LBuUDY"
    "DN7JhS3g2yV9dMTfvH5dAXH8FBPx8F4W8SV+sRL+wYF2hqiFSHcrId0tQbpbRNq1TQbIsh"
    "WsQ6AH+JtUS0MFwBPaQ2Fd3Kw9P9CR5XNuz53e7f1gdC2p+tqw5tZgNJ1NHvuz8eRaMgje"
    "gebb7tyazh5v5dHsWkq/hXc1vKuyGN6x18K7PIMMT8HHtvFM4dKNjRmgWozDNE2X49ACEx"
    "5qOSRMO+7peTMeD8nIa8/73QwvDGY5jB/vb2SMfQg9fsjww8uD0SwHeHg4Ks/INfCLdEX1"
    "i8DfYsx8Y41KTtf8ADkO6PEIr5L/qcCOGFlRNqcSbswG9/J01rt/yLDktjeTyZ1uePUld/"
    "W7/KLYDCL9PJj9KJE/pV/HIzkvIG2em/3aId+kBr6tWPYXRdXTmCSXk0sZnpuq5yum/WRY"
    "NfhdIAZei8xrwoE/bItLtEjTHE+y6DzO+ofSRLLH1rsqUvM7ttD8rigzu/bSoIkWf5uORw"
    "xpeUuSX0GG5kv/lUzD8w+G9VYPXASG6WPB4BV57SlUQQJRZjUlQH933/tHngf94fgmv0zI"
    "ADc5hqyXqoIsAhFFJy+VJHKUR5QlNlfOVpgg2HlIcxHlVGFvN1mqWhuOYAfIobcbgpiDLB"
    "1/Q028i9SAezXcQ/nH85FD2VeMp4Hls0HPkObwNqwqm71oeD+Rj/jhr93u5eX77uvLdx+u"
    "3r5/f/Xh9Qf8bPjBxVvvy7aiwUeyqWT4Udxl8IwlCNWQXbOUDQiuwplQ8A/Ux5b5Es+VM5"
    "Fk42ldKsgGjl6T61lK4LooXKfoL+HXE//K8nPK9k8uLFTt8xfV1ZXMne308JDnYdg8yq4c"
    "U979fYJMNcS2OA1iF1Mv8FfTaKQznAd/JjM/ubqdD1ugsF6nkHmu+PZntC9eYwvN8FgzMl"
    "RbAdPswMWzS/HV4GlF2Xx48OqHY7UVKc9Xl0u80caINQHVlAzZVryQ5dqmuUaEZi+s5M1A"
    "bYXq98D4Q1E1zV7jnxyisSdkP+EBe+nx2o2c76O1s+80CzGLRmorWqbxjJQ1lgDUp303sC"
    "Ee6j4aqdVoOarrG5rhNLEqCWYPyXjt3c1WWEjG52QIXzOCKwGu5YKrhvC8WBoa/ln7ihbb"
    "kdoKFnEt7InS1LddpN/FPoo2guSoLw0IXw/RKG0FyQsWm8H3nVGpodoKl2XHW8v+cI1SQ3"
    "0LcCmOi5bIRZa279aVRu5hM2hbMVQtyw7w72tgL+ulhmoTXMSCaHdtlk0xeytt0MAfgRQt"
    "8Hx7HQWf07EldjAb/1PlVCVD9lMjnpfLpxTidXedg3itWlj/0ePhCDHF0kqJ9c8ZYtkh/y"
    "p+MCND7wz972A+SZ7xZP1gWJJN/kOSjp4NDeFfskKYam2YLxJ6Ru6L5No+YY2ENxEXeSsp"
    "NJpKC2Ta1pOH/3rVyaHW7Ohza271NLwfetE9TyI4kYEMV4p/tfTdv/7lGfq//vX9/+CBnu"
    "3P+EPCVyX38egB/n9ybS2pPv4kDYXfDakOx4iv2CPVATydTMDP1OdVxdMZhgngFVuH73la"
    "4Pw5cR59dQw8Wp0o7AxlC7l+JlyuFJMbntK1lneWEiKvxeeygncrLxJiq8bnFQjbF5p32a"
    "0QmnfZZYbmkVvZoDCS+qtgVcPiCoXMUh0x1v1QcmgO5ko5dJclOXSXxRw6gxL5yEbYoAU7"
    "nj+yzceWhlORT61KkTSpW4l7BuxQpQqBY1l0i9De2S7Cqvrf0Ush9ZNuvUlKEJwnpAWjDb"
    "7sql826n16QuHfjn8xiiL9+71pv3crd/6sEonXRFzZJDKItC6ujMsOyWlRy8TiUUxq+Vg9"
    "tk2NEiIIBTXaa2VyAhdT1M6LT5GLXIag80meDO5+UeT73mB4LYUJyy9KmL08tyYyoXroTa"
    "c/jye31xIGD/lKUtAib+M9jYQbLkbuohxZqtZVQGleDgObKxt6sLyB5U1ULleyydS0qjdr"
    "UBfMMtMy/oISvZ+kCEr06ZToQ6qHGZWaoh7mVW62ehhHK4B2+E1oh6B2gNoBageoHQJJMC"
    "JxGRz+wOUNlx1T1TCzFi88gkmObA8J5Xx4u1MeKRR24NTqslSg2JUrdt420npP3a6dBTQu"
    "cipednaJpOXFBSYo+t229ARbs0sVbgCVrsUqneGzymAztLmEQGQHX01V7iB1xj0zeOIBOH"
    "m+dYpyt1sJ3W4Jut0CuukvK4A8Q18ZJfhyZC2ISSuTnuV/zDKCc6Gq6kZ4Ho5HH5PH86VW"
    "87KY6morBX9YsKZGWrLBp5ACA7gZQEoWPNkuRb9g7y1pmuP1LjgU4kdox6Eby6Wh4a9mwL"
    "w7JCY7whHn+QI9GZYVuVd4YmNu5I+D0UieXEvJCKRxxEye3Mu3A6xbk9YRPnLXSDfwJ8+t"
    "3u2n3qgv35IuE88EgloxMs23j3BcQ0OKurYD2u7ELM6aJ6tVm7UWx14faplElVm7b96+f/"
    "vh8t3bTUHWzZWyOqyUmquBS3Lo+TaeFM0R14D88eE4m89llQgvdoAXpfWJEyxMw1tx1yzP"
    "kx6saHlhn9/gf7Y1yzfA1bDO5mnBPiuyfZYIoMZzLUbnSIHPIvPZXwXrhUW6EgUuV6PAAm"
    "H7Eu+uKgnMVyUC81VRYEYenvShD1oP3KiUz9qwAmqdNqYMVj4ISGSFXhvIV4mFrwgxu+dM"
    "mgaazpRr5zWazmzr+ZISyFwaCI0U5nx+zpN9wXriBjdPBsAygFWfMQJPFNfAnWmr5eCmSH"
    "PwLgntwQB+dSiIS/C7HT/eDGXpYSL3B9NBvJFsRKDwZlbrmMi9IcR7QbwXNDFpHdcpGkmh"
    "QOO27S5nFEuBEAJZygNZtoBRzjDIU8gEsRQmVyaOZYIn/WTQn1XL+feSNh05oyX0+8gUdk"
    "Oet3+l93CQtkLkIa2JQtPRKG0FCfrGVIaKdD/5Y99y0qTvSVsBgh4U0IOiJT0oBDO8V8Lo"
    "2C0ozhEjqG9/6LpSmWaHDvUguFetl5lN/q2oPfXDkeqAfNLw1RLtKfxhSjGsPv6ZLpl9SF"
    "dSUG66INpuyIfP6CUFcqx2bbi0vYvp4pv+yrWDp9WWKt1ckZp4gK8racS3xfnLcwYizYuZ"
    "OLBRzHZlDygbXXB3Jf7BRgX1JNXSJR+p2oqUr1exFEEmmO9JC/Rik1srJEUv+Isn2V/w7y"
    "uW3t9/OErqwm/x7wpvE4vAPyGZQaRkBqzB1C5dltAeMTptMxU5Ue4MRtPZ5LE/G09IMGYy"
    "0edWbzodTGe90exayo598mBMVdfrBduk6MDQLYqhu4p7I3N0Vd34MkRg4IaywEf0F2yP9j"
    "19Ba1r7H2R8xZkVik94zU/bcEFc6alomIXA0UX2Dof2GpAysvRbBJxWhIPEyZBEhdKEoe0"
    "4nanFYuFLyQWX7cor9W2fM6E4hQJAM4NeIgVdSfZbTVJaI8Iu4+nAa/B5NPgVh5fS8+Gju"
    "y5RWDB5y4eZ2799Dj49VoiruHIfPJxdC8n9pMnK/ENnN6AYrs6TYpmxjlvnocA53yA8x6J"
    "KZCOUgXgcJnxJlxliCDZqlKyFcn1ddGzgb4Ukd6ZJLwlPFiKcBHvzZWzzRHG0Nnhp6mU6b"
    "0L9DQloM6BuvqsGiEEirr0kavo6gvPvs0ih72bMr2FrzzQxgkOOUDsKd5eJxnkALWN6wlG"
    "ZTlA4Bo9QGXg0GDOXRk4TQXVlsE/egr/qLfNUNkT2eq5LmJO2ArFltMLNgMt/gRp9DgcVk"
    "tSc1ybzPxG8q8eUmO1ZEafLG/mTOalGGkz5wgWJIIcJGq/NIYjORYoQRypE4MdxZFOxIRa"
    "8BC0AUEbdYM2wIvXXBVaUKJB4RNELamg8FVRSo5bEwIko0zRA4pwlC2JwJaPcjUYmo509f"
    "xAj78hXpIQ7CqU3IT3Pz+gLNtqIVRb6uN1ZMCzE2uanCh3ev3Z4JN8LUXUc6s/vn8YyjNS"
    "+l+z1w7Z8/S5dTsZPzyQa7prOw65Mn2cPsijW3LNCzwH4Q8TpEeAh9eTVjv4bUt9xPC3pY"
    "u4GXc3kTHbCOXceuj9EkW4xeUGCHtupv3J4GE2GI8IhxYbWnxv1ru7wxeTPN7TsyzabGv5"
    "zHKk4DQTxWlWxVWKp6Bbz1WapYR67eJ4Rotc3pwjdQIhcrTAaZE5baqer4SShOG/1OA2jR"
    "44LjLHE5+b4iAsNlk+b3VpBj2UmK5SYnqzN8ZGBu7C6SUjgHEyb5z0bV81a0PNoAaY6TCT"
    "nV0haqWveAi/UeeJDC4bAgCn9wYowjtdq6a5o+dCbUQFO5JjTC+7799t4CR/lCE5ve8Nhx"
    "Q4Gbkb7ExHZtLGWabIHDvTMUKvlnKRIwVJU2RJE3yDzQfYRk4I3gDbDBWAWu5wTTl69vS4"
    "trxWTnZa7Y6wBU/2/p5sviYQkfKiQJht9chIFzm2u3f15xikSThYW6GCStkNhEpQK9mzER"
    "1baGbjf5ouZ39O2HLXTdvsWcz6aeldbVcdtcx22nSUCcoEu0QvhEATCDTZM1zBsn0ldsBy"
    "Yt0J7816kzDAJDXO3BqMlIfJ+CMWSaakAPJmXdBDUjqVOHbwUBPwX38TlgfwX38bnN7P6w"
    "D+hopB/uGSICmfZU7jcvcDc5DW4N2ELyKMp8CLxAiB4p/STPrWoNzYrIaqH2yozzOAkXJi"
    "lHRq5DSiFwjBjp7fuyL1mA/WDBFAWu6ayFoH9rSit7LV6EXOkl5YtbvdFOYmdWtPgFvXFz"
    "gPbmbtitQuIWd/p5j9ihZ6ttlvE/GY8g3s7qTWkzTTwPPuL54U0UmGfoH/d43WC+QiXfJs"
    "yV+pvqTii5gf+Er8HD7MPMnCd4kUkTebNDluBQtkREpYDEZIoYyQW8YUwGZXCsgQtbBawL"
    "u3FeyF794y7YXkVj5WSUPGc81YpQwpqAmiqAlV8pxATQCZVlSxq6JMexrRq+f7aO34Pcv7"
    "EkoUBckr+0Cp4KVGjypq+OxB/K3xK8jQ+KYXDgKSjlCSjqO+mLZKgfpv0/GIkaO0Jckfu4"
    "bmS/+VTMM72A6RwnwRGKZvWN4r8tpTwE4gypy4hfjtfKh2jj9kgHz8tqfWE4jSdC2Uhs5E"
    "+qnkVnNs8qsUlZwHtAr0ZfmBBdKaqYHn4zVtIjXQIClmLtYZKMtqV73/FGG9av/nA3WDtf"
    "6XCOlE5inizU78SdNAjzPuzJ8nVyWNxBcvnEpVng5qhFNx5T+SM4QQ6SLykZwoQ3wrJ0sF"
    "tojcwkl0Pk5Uc2QAa7mJJ6Vk72nfIfXLe9vRzhPcnQae7KLd7bHcWC6aAfin1HAtRTi3gE"
    "UyoIUl+il2s6R0P9tcluoQAPXB22sPg/rgh64PDk3HoQd2FdgdssUam2+pnFLzMCE1XPvy"
    "tZSMMLc+TnphadZII+vUWArNJ8s4pP229aR4GhYjinwpj/cuEB8vAvndGQR6h7kHprE2/B"
    "oNsOnELSrr01iQN1khsTjNA3CeDKAtawa8dO01r+WpSA3mJ6HNTxt+BZZvUJpuV2X3hhz4"
    "LTK/vVWwXGJ2JZoyrcpDmVuKSg+9qDn8UwmCUbf6uvinqAF9DvSjSnOKY5uG9lJXJykMck"
    "TlRF36yFVSpleupH/5kzzBDEDPyJ1bvbuZPFF6s5mMt5RrKTNychdrc1M5uaeZdlSf6fQ6"
    "DNanNFQjkbJAdzz15fJcMigdvIMonvEHRTdkq4VpGhCri6AanuIEC9PwVrTAm12hIBlS2P"
    "A5NnzNRTXTgbOULYxsa3GcPySBt43rFO2mkAQOlWnblfwtmEhwkCAKqJ5a1blfoQ/oafO9"
    "xZyue6R74y+QRo/DYbWqtKqm2WuMmcqya3BUDw0DgtLjtWhe08L/moCrdfFT1GCoBpBqYS"
    "BUducznomJw/P2h2uIh5pGI7VnAzxo0+PizsUI+ipsb+URYEpxe206afL3OBQtqZQPCZNC"
    "BYihr/gVNaIKCnRQM44atbHGn2g4phGlL1dOjKPQHrNp3ptzbZoXTcsaQRxFQpjQ+Qkdnh"
    "i8yQ8bErCCQH+eoxtCEumjgUyH84W0QobDZpXuNoFAy6OKqFZpeXS6tJFEs2cpElvFf5cK"
    "kTozD608hBODlK4DNUIsNSLmSnV5a0twPDnrjBz7orcNKU5iI9vrhieAiN0bZPp4cz+Yhb"
    "1BvGCxNvywl8hIlm+nCkmCGIw+ksAjpHsKyYXAHBIzOUKgTiKirZzz9RQXAwR0pOqmYVEc"
    "b+VMTtNBpLPIHN7sQnWWco4WOC0yp8OwVFJGhn4IM8I+0kRtaPd96IMxlVtPkXbYRfvydG"
    "JU7iPva03lvigZQLFdPS6nWZU3BUIxmNOusor0LNsSjwIrtRYq7NH8CGTb48c4Q3VMf83r"
    "c/XXlLUIK6sbWdYUDGY0FWnV87iTBLZEUCuycnIAFNhrv3YArlBwhYoIKrhCwRUqIKr7uU"
    "JTgc3b5g71w08LTSVaAvrBI1A3Ic4Mn3E6BHqH0zgTeA0FCNvrGPbRV8r+yK6LlzzfivKD"
    "ZRIvlMTjB74zHYw+DmWl/+M4rIhHasaZSNFWdlgW7/5xOBs8pO7HAbTbJ2aTR1m56w1J9Q"
    "my3JTwq+bW9MfxZKb0RtOfSSULb0Ua30VnzdzCep88GfTJ966Ra2hzS55Oe79cS8jz1NDQ"
    "f3ozetRHg8+EsiGBwOIK5pPQml0EmBnfsnkewojz9hFmjaJdLgWBnAmt8vREO53yGVF8nW"
    "yeZKnEYEurfDzoq2NicZy3snCODCoLc4tRUN2FfRacZ52PKtVdwKQL1sdT28l2Wh/BSCay"
    "kYwktrOb2abuXpQZyMJM+wO2sXVU1zc0w1GtTCtbJeRUIbHit463TdWnPQvGtZMZ16Aj1Y"
    "EbfYWzvIAsU+kvEkJyC616YmiN49E1txTH1zNPM10PolG6SENGvX7MOdIWqjZnospUCk/B"
    "4p1DAtHXXCUQMkSwc9F2rlpdl/duuSwarMeJo2M5NUrKRTNcGjB5Q3i2cj+nwFikBJkxH8"
    "EWKUm8EWwZKgC13IaUUkT3NCPxVaATFNzdUVeZ2bU7nC1nGGgA44fsiC3Fubg9ilTsIzQ7"
    "+T6y9JBfLMPU9omL3cap7MO77FOdsYUk/AzytZVkLyUHr3iEiSXDkvwVklzbXkvfqVLgIV"
    "ey8bUvNn7G1vD0RZ60Ur3wimt/8b5/1clxrumxIaBMgDPgosTmRRjJecqmSA57xBYAF/KE"
    "TW/5/8Yicy17QIYQrAFCWwNMtPRrsDhFBslIIvMXdA/QPUSTiavoHqeTh+9J7O4TUxhObu"
    "+WhNfRk4dPY8i4YVNhRuCCPa04+hn/viLO1ULuE1qhQ+4xNrNrSVup/tz66RGfVYPx6Fr6"
    "PZXqwxv+/qFC9PsHZvD7h3zsOz4aV7arhH9SGcEIX82SicyD6hbjDM7d168rII2fYmId3s"
    "ulmEA+z/ECUQPn2eYry5+igMSDvANkZeg6spTFi7KyPV4nXpEYOmZyOPOieDbuAiRpMsAb"
    "OpSC6o9owg+frJ8hAsUfPLlgTWmBNaW4LTQAb8vrkmR2wvoZF5HUvW/KBZnKj+FILUL84P"
    "kW6RADhjkvF4Www6SX8uYfJP0itfcRxyR0shDLoKcbnmOqL9z2pDxdKwweRzAogQf6G1BT"
    "GKV0mWYsVhFdMGKRjQSpn3mw3BAAmIx4foxWQIt5ZGJaoANo6QY/agbKjfHERDZD1hpU/9"
    "rtXl6+776+fPfh6u3791cfXm/gLd4qw/lm8JFAndnIi9h/NrTPtc7UDCEE/Yh8pK5US1fw"
    "T/NqMbpIDdwWmdtglDyApVfkUOIzgRNsvCez8QYetac8WHgzqKYW7Ikr6mTLv7QE7oObd5"
    "N1zzDtpraFHWbdeHlBwemW229bH5D50+PgVxKAafwxt4bydErCMU08uYUIxvQN3+Qym28I"
    "RMZcNHs5xk/nQjlDdLSe0EcDuko9bXY5bVq3Zr92HfUN8RELr5r2Imo5yrOPDMc3N7/grY"
    "PQzq3J42gUdtN2A8sK+2gnwd7K+EFORXwrtoOs1N3+cDwl7bY396MeqHNLHoVtuJElTBdu"
    "aDbaxNl8kMpUWuC6YYMYzoprBbrjmYx/eHOova3xeuvI8mrYCNN0YB0U2ToYbrl1WJwhBB"
    "6LzGMP4R+ne4qD3E33JI6NkkV+vP2yey6ey6iMWF2gGdTHw/nN69fngrTnIKQrC9sKaLa1"
    "sryQHOURU0MSLedsM0O8Fd54MLI6che26vJm5NDIAX6OxBwSMoKPXC+sorR2+ItJUughNY"
    "pnAfjI4VY0skStCUxpMCwN4+OoL6atUnYUtm6dpxNDt25VHyFIBWSvgva2s/F81a3H9Swl"
    "aIUia4WhdbUGj9N0wGGROYzlPddDnGFKGSIIVMrXgcC3OQFNkQCcOTgj5zMnoBmiPSA9n5"
    "2HqwHNiVrRtQbNkrjEaG8sYssdOdffDHSey35n7FzmFNkdkHjcFn9iTtXaHf7w+6XR43DY"
    "oWytDYA63AzUTlgzx0kFYOkFoCB4NotqSuqB4Nnm4c7my2Vq6u+JVGasNqKVrru6H1apWq"
    "9tBCpfzWI/sNrZz+PgQexxVRdGDPu25suOEPZUccdqPTciAslBbtT/QrX0TZzeddgeI2IN"
    "6X8h6Ugz8BgXkmX7kioRyyi920Yjo1JLo6y3azHJ24DqKEJF10PKXKOKfjzhORHNUgGo5f"
    "p+alNpIA+xfeJCXujPzi6RKvf3EZY+loam0s/S9O3Sw1TbPgjpYC0/sKxgvaDlybJzZbYU"
    "zWRw7Mb5eHkyb6skyrxlZ8q8LabKBDqJv+etlpang+yvatlfsUmWO80uTwd4V8PbIC8MNL"
    "9GgwkKKaBedZavHSxzkJQrnZqKR4IbWBO9QFoW33CG+JfATQIWclAuDRMpn9ELz8xN09Sa"
    "soI5EbIz9upNt8KMxU8xZ2x4L7dPeF5QKxAnQwgRdqKE5lSJsDM8xUXP9mfEG0KfJYTYbY"
    "7Y7Ri3GgstSwkxbyLHvEW8wotEpXq/2d2mCoRtOL7KOHuIrlMQcdh8T5FY3eUs35ehAlBz"
    "oCLLtU1zzY9rgfC4ZjUhgS0xoMfTsAEDesvDZbLrNWM5n+AzcTLozzqUnbYBYL/hUMQtsj"
    "xOCdouUuTD2EIzG/9TkQtyZqhz3Dh28qGwdVbhxV5On6mPF4N+Z5hUn0/q7kWZy8cLn1OI"
    "ZeMYvZrtL1a000GnZmE8QZxGsH3sX2Kt7SOYv2zXeDIs1eQ2khcI22giv7qqYiK/umKbyM"
    "m9vJJm+WQXDoHiADxP10K833TLUtc3leO679ml48i9nAZn/EELzC3pZJFQHK9WwCERPkkf"
    "C2+ldq/e8UzvLUULJ3bz7nsncPEpWrvWZYpcZLg7vU+9WW9yLanPWDhw51Z//DiZysrsx8"
    "f7m1FvMLyWEv/4KlgvLNUwk9K6Sm826/V/vJdHs6TKLqm7omorIgPjkeTJbHA36PdmMh4k"
    "G4DEfU5UYW+Xzd5ugb1Q+YENfXv9Uie1356P7RwynE+IaKggcwKapgFjeLnNdmOAAIttmT"
    "krPaV2Jzgf31wr5tpvOnEcspwr4srOcj5xZP4UC8P3WGzu0Ey0yb2LUgMtMUqsk8d2Zrf9"
    "7Bokx1VSlz5yw5wzvFE9k2Q0TUMO5nt4LU5luA4TzzAL8OV/2wtpidmM2SEZPqaydI/kpq"
    "3whWK622FeM7fmVk/SXNVbSQvkf0HkDeGAZHqH+XT4QS/Mn3PRDxFx6kXSF8NfRV+DoZbi"
    "lJQfBrdz6zvVx2qK6vmSjYe6kAzikMI6Cf4kcuF7Vu5d1aQFMKI2bdJjG6zLksPYkJcmhw"
    "mllp8e+3TEkWY4BtUJyIY6Q9RCpC+7VWK78VNMpMN7uQ5BaO2YzP4qdKDTNC3E+QBpOeQ0"
    "rVH5cUsGJh/RTT4F7e9ESZl24ND788V3SsU+LXwGsjBb7nvn7VfWbKsygQTHt1VO1LfsA/"
    "Vt4Tx1kKuRbdteLosIT9eqabJbVWRJazkqBdOkYz/lZff9u41nkvxR5ouc3veGw6LzUV2T"
    "Svt0XJmQZolahGhjheKjjl0alxqZpmlDRH9OzK4iZLNF7PyG8Kyahq7gWRjZUnjkvxwpJM"
    "mInCRD5pCLdNICJOlrXHGTolDCTlXcqcgU90Kg0JqW48fEt0gI/UIKxwCEJoCeyi4a6qgv"
    "JMBmz5KFD9Eo57eVsRxC+1YqzPsyKfjeq9bLzCb/Hjz3RNSMh/CHKUVrRvwzXTLv8AaUgj"
    "KxYSxtN+QD8Xtc5/ygGyZtbxKy+K6/cu3gabW9oaQ4RHX14etKAfE/S201yXqgGGtSS4Vt"
    "rUmvymbNNb91HNd+NvS48FL8//gMXSIi+aNCHcjfwrqC5GFIsRDGzJPmYa140vQcENjO3y"
    "FpTg/ytURQdtDcuv/lrjcbjye9H6+l9ctS9W18vK7y7uRKweuNdz2nLCYqexg2Iip1+5Tw"
    "g3gVP+OfVnctJLTHWwf4mCEVwtaIc9PpYFlRIcLhtZSMMLcmcv9xMhmMPl5LLiL2G8IKId"
    "ZDZKLjtukdV407IzX5JAa9ehNc/vhwqAP1oCa92KqMt+CA9G3jt0enKcEWUexdqvq0DtTV"
    "Nuot9RFnsoPC2DLenfpBHt2Ge3JMT/bpnx4HE3mq9PqzwXhEduvfAwOLfIoaCqNza/rY78"
    "vyrXyLxZ1A0xDC82hu3fUGQ3JpqRom+fuhN5kNesPhL8pEvnschY+HvQdU03zZzD/yvuRu"
    "ek6ePlWG/I7ArVNzqEjZBuno6EWHwB74jdgDc7qJhjyvFt/ztOCtEtlbFRu1uJPStkSQQi"
    "VQmbZWIipEQbFWIusFi83beYvgFUkB3Sy60JTnkKmUiZ8BMinLUtNSE0rIwndiLvxG6t7R"
    "j7AGwOWqZ3emAJcXtKM3j00fSQ3APM0N106gKed4Bai1TQ7B/huF02Z4M6oSA9gqgTeRVW"
    "7PuJtJOEiLTruDdgh9MFVq/kx4/aI0HgM/AbkzLQ+q4C2p2OJKim8qJaS+KUlIfVNMSHVc"
    "Q0MKt1c4Twa+YfANn8I3jF+C3GeVkutRzX2Zphd5y+jcj0czEl5lW/5qbv0ik4J+L0h16/"
    "gPP1TgwQcmDz4UuyCSMDAl2hL4yjVQSNvgPjxCcJURuaifaWVZd3Rf2tIdsflSIpycbe8l"
    "cNGyp3u7XLS1UjbSCv6e+iOnRUS02XASLTLWuSl65FYbZ2uSKbUfdMn26pLpaG7Mb05ZhU"
    "7diLgiUImGwwgrJNvW9olew9uNlULaurIYB8EcAr2bVebrtGPcKySyniJ/gh35IBGRJBAX"
    "eURsXrxwevcppBAzAcrMt6nMZGy9UQIr53LKUkG8THm8jLPNJN7TZ1s9fV9QYHd6bbMzq4"
    "G+hs3pk9PQMNkPPN9eh6ocpfde5omL8v57oZlTix+upmh2ZFVbSSSySDI8klsoRa+UkmEu"
    "pHgzDosbF8s316DfQ4UVJwxPhMIKDWuuCcs4VdYcGShOlXrLgWz0jchGHIbe4lmzK0SWs3"
    "tu3QBZETa7BsJjGzy509Zz2rmds66XnNp5k/5Rir7kIwXzpV/AhiyEDZl+DIta5CWWQDmh"
    "Ps9CLzuzbSqY+Hen3UBcAl162kBYU2Rl0QP8leA/w2IOhqXZaycUCTi3p8GoP75/GMqk++"
    "h2lLlFijl8wteiQBdSnWE6U24fZVKTwfMVPcDX+r1RXw5rOGgECrNeJYbmt7Eo/s9XHOQa"
    "tq4gWgmlHVoIdQTIDxc5P9xRDfwb4iKInPzO0wKnReZ0tNsoavkKLw3hYw1xxGi+zRUI5w"
    "MrjyDLr4oHLHD0mlzPUgLXReE6ZdONvz51upoqb92FFAl4PKHgwhEdyFBwofmCC06cS7qv"
    "Rz4epqWYpvY8bl889C44ZfT7z2ixsu3P8jOjvH3m/kWZz+NL9KSCno9R6T58Czg5wMlxqq"
    "zKc3JwbBYLlSn0BZCmEZkRIpnQQ4A4ME6ebyG+b15XqjjwuqTiwOtixQH1xbRVyjT+23Q8"
    "YoagJiR5zdvQfOm/kml4ZxwoSQOXgJFRrwtB9fn4+dw2TwYoBtVryHiuZf/IkYIBRBQDCB"
    "QaBvdCKuvL90ljS55+mGkS6I6Q9xOYxGOMXNemCMPs1K8sVRtiF46R/7VXPGZz2vTI9o2l"
    "oamsCMLM/YsybdpKPXn47HJ6U7gLaXudnHDQKa6hab+Hfs1WMXbr1uegbnTk0WQ8HN7Lo5"
    "nSx0L9YHJPIm1S1UYxzEvDXZOeKB8nvVtZmchDuTclTz25qk76iZhI9cj96ePN/WA6HYxH"
    "+KHZ42QU9WJZrA3PI+F5LvID1yJP9uXJbHA36OODWMEUj2F0D3LjNYgUTBBE3Vp+CT9tIk"
    "8fhzMSFRTlIWEG4l83t3qj0fhx1JfJQ9eSalk2nnGIPDK3hoNPMv7Z0ffg0xq/kXSUMbFs"
    "rHgo+iLMOfzSeh2/LrsVNK7LLrtCVregzxq+yafQJgQiT7G6FoNKGm23RKPtFjXaha1Tah"
    "qwpYPkeUgL504LNw3rM89cTp5vAdTZiXxVaSJflUzkq+JEJgcWj10mef74RpmUFLAIDBPv"
    "tt4r8tpTCAIHMdVAfBJ7IbTXUJMI6JwsT5GBeUZk8wyEzkDozKnDPFihM/3etI81sVNVXE"
    "hbVR627bZ32F8eMo25q1liFGdDdJAIh2QahtMKIhvA8gKWl2/T8oJ3IfxxLqPe4e4Jl6YX"
    "etINRjfjf5AcvIX9dW7J973BEM+5tWqYc+tmTOqWL2xStnyExSr8AttCdRjUcNlykMVAFg"
    "NZjCqL9VIbL00Cy9wvlbvSW/gxPGDb1npOsDANb4XA4SWC2AU+iG/eB3HmwQmZeCrDshBv"
    "2u6WCBJ1ORJ14328TuRahrKFhvA2WUYzx3U9RkOI4llwGjxbbDmhvZ4tfHNl8+rbGSLQuP"
    "Mu4nR37KqQZogA0nIjxvEbtQsK6x6d2jemjOJuAPahXbBmNkChCqT3kGtoqw7NOBTduSg1"
    "C22fEabfFjNBgrpXUlIjYgbuZ+05pHTRSGoE28jzjFzPoLXIYZt5UiStMEQco68TXlQcCM"
    "ePtxDdgySn4jf61PYd7CDIFAkkp3JGPJ404+fP/weFUEpO"
)
