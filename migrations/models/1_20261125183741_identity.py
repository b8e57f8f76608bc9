from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "users" (
    "id" UUID NOT NULL PRIMARY KEY,
    "email" VARCHAR(254) NOT NULL UNIQUE,
    "password_hash" VARCHAR(100) NOT NULL,
    "full_name" VARCHAR(200) NOT NULL,
    "role" VARCHAR(16) NOT NULL,
    "is_active" BOOL NOT NULL,
    "email_verified_at" TIMESTAMPTZ,
    "last_login_at" TIMESTAMPTZ,
    "timezone" VARCHAR(64) NOT NULL,
    "profile" JSONB NOT NULL,
    "mfa_enabled" BOOL NOT NULL,
    "mfa_secret" VARCHAR(64),
    "mfa_pending_secret" VARCHAR(64),
    "mfa_last_step" BIGINT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS "idx_users_role_35db31" ON "users" ("role");
COMMENT ON COLUMN "users"."role" IS 'ADMIN: admin\nINSTRUCTOR: instructor\nSTUDENT: student';
        CREATE TABLE IF NOT EXISTS "auth_sessions" (
    "id" UUID NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "last_used_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "revoke_reason" VARCHAR(32),
    "user_agent" VARCHAR(300) NOT NULL,
    "ip" VARCHAR(64) NOT NULL,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON TABLE "auth_sessions" IS 'One sign-in on one device: the family every rotated refresh token belongs to.';
        CREATE TABLE IF NOT EXISTS "one_time_tokens" (
    "id" UUID NOT NULL PRIMARY KEY,
    "purpose" VARCHAR(32) NOT NULL,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "used_at" TIMESTAMPTZ,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
);
COMMENT ON COLUMN "one_time_tokens"."purpose" IS 'VERIFY_EMAIL: verify_email\nRESET_PASSWORD: reset_password';
        CREATE TABLE IF NOT EXISTS "refresh_tokens" (
    "id" UUID NOT NULL PRIMARY KEY,
    "token_hash" VARCHAR(64) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "expires_at" TIMESTAMPTZ NOT NULL,
    "revoked_at" TIMESTAMPTZ,
    "replaced_by" UUID,
    "session_id" UUID NOT NULL REFERENCES "auth_sessions" ("id") ON DELETE CASCADE
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "refresh_tokens";
        DROP TABLE IF EXISTS "one_time_tokens";
        DROP TABLE IF EXISTS "auth_sessions";
        DROP TABLE IF EXISTS "users";"""


MODELS_STATE = (
    "eJztXP9z2jYU/1d8/im9a3OpCSTLdrsjhKysDfTAtFuXnSJsAbrYMrXkpKzL/z5JYIy/UZ"
    "sAMcx3uRx+0pPkz9OX93mS/F21HRNZ9LhPkateKN9VAm3Ef4TkrxUVTiaBVAgYHFgyo8dz"
    "SAkcUOZCg3HhEFoUcZGJqOHiCcMO4VLiWZYQOgbPiMkoEHkEf/UQYM4IsbFsyF9/czEmJv"
    "qGqP84uQdDjCwz1E5sirqlHLDpRMr6/dbVtcwpqhsAw7E8mwS5J1M2dsgiu+dh81joiLQR"
    "IsiFDJlLryFaOX9dXzRrMRcw10OLppqBwERD6FkCDPWXoUcMgYEiaxL/Tn+dN20pGwDtjg"
    "56TR0ANQd2hkME7pgwAdT3p1m5ASBSqooKGu/q3aNK7ZWEwKFs5MpECZf6JBUhgzNVCXqA"
    "MrIhtuJAN8bQTQZ6oRDBmjd1Oyj7AG0BUtWG34CFyIiN+aNWPV2B8ad6V8LMc0mcHT4iZu"
    "OkPU/SZmkC7wDfCaT00XFNMIZ0nAfnmOJm8PYFAeDBkN454m9PTjIgznOlIi7TwogPecVA"
    "PuRAO6R0gEhrmZDWViCtxZF2HSsF5CbxbAl0i7cJEgPFAPd1t4V1fLKmzDMRYTmnZ7V+dd"
    "NqXyjQtDG5Ja12T+/2G3qne6FggbdnMMe9JT29f9Vs6xfKci15R0Mty2CopY+FWtRAmAK+"
    "bOOHBCtdOtwAkKQspst6EQsNuOK2hoNvtN2unpedzgdRsk3pV0sKWnoE4/7NZZNjL6HnmT"
    "CT4lZbjwAuF0fwgFzMKzIBZHHgrzhmDNtoxeoaLSBiAXNewrH/I4M55sgWZXJaYQ29ddPs"
    "6fWbjyGTXNX1pkjRpHQakR5FB8WiEOVzS3+niEflS6fdjDpIi3z6F1W0CXrMAcR5BNBcxs"
    "QX+6KQzS1IGbCcESZr2DumXNq6yLYWFvjHIblci2Wd3XkWal9vbIuJhJetWhavuZbuNNfi"
    "PrPrDHGSa/F7r9NO8ZYDlegIwgZT/lUsTNnWsA544MDDFuOOwbGo9iWooIAoNJp8oI9u6n"
    "9EbdD40LmMDhNRwGXEIPYQAkQERAmcfKUnEdHcoS+xkOytMyGwo8hwUcKqkj7dhLXWmnAK"
    "toBse7oRiE0QMXkb1sQ7rl3ing136f9QhiYJ8woetQhLBz2kGsEbkyyTfdHwHolGvPlJ0y"
    "qVM+2kUjuvnp6dVc9Pznle2eB40tmqqaj1m5hUQvaIzzK8xwqE1vBdw5obcFwLF0LhL2h2"
    "iDWd95U98WTn3XqlI+tNzDWtHtYsrV4UqyfwF9l6sb8yvF+K/QvBABr3j9A1QSgl6B4UUc"
    "phowmz8lzz+n0XWVBiG+8G8y2musfGvVlJe9gPnvye70uD/hAAxXkdEP0cMOcePRevDkE6"
    "L0sXRR0SYKLHOZqT1gfjSbZmRyWQwJF8JVG3qCmhjyXscka6YPpmJx82Y7Dc7X+46alycy"
    "kUj8gbTBRH/CHFRA/YQPy1x4hr2diaKugBuVPFdZgwpOKiIR/OY0V2F2WALIeMKH86jgaM"
    "N1v6LbkldcPgrzdLo4rASRSEXWX+1srR3R3F5t3dq595QQ/OPW+IrMpP56V7/LeQ2QpkvE"
    "kGku0uN3l3wSyfsclb+niHttpn8fEkQeIjdh27R3VLy++T5dG3CealrbP/FNI8QKvviZUz"
    "7UbIVXqt4R3WLPecim9lwGcrOnNis0YmY4qHF5SsaBmCkhUtNSgpksLhMHHoEXCqQXIFgc"
    "NaO9zl280WXyXT6aHKitNDlfjpIZwQ801HGCeFefcf2c1H1WVXzEerllQ2ya2Kuwb8gErF"
    "QmZhdOPQXjsu4lT9PZrGDr0lR3r8w9f7CWkswsPFLnxc0PvlDsXfnb8xmu1xNuq9Rv2qqT"
    "5liUFuIqLWnQVEyohajohaKAqZEFKLRinTY2oJwdHyKsHhRpkmnss11j4RvKRe5APY6qdm"
    "t3X9J2je1FsfLhR5VHMK5LnNW9JtCq2P9V7vc6d7daFw8BAD/lH+aIz3ZTxcORhzX0cIax"
    "3c3Y/N+2FlzDUd+jLyVkbeimrlTDGZNaPqmw2oFywyc2D2LUn08zzFkkS/HIneJj0MUeoE"
    "ehil3On0cH5aoWSH/wt2WNKOknaUtKOkHQXyYIpk5XLDv7TywsoTCxrcWINpHsckovYMD2"
    "V/bPtDfyR2pD0nqwtrlcRuNbGjwUnrZ3K7w7w68DpC8cK9q0gsr45cbIzVpBP1s5TXKw/T"
    "B3kKw+hS7xImDu2EC4RzAxaXWcyuD2pvT89Ozyu108WtwYVk1WVB/2JgOoF7QG7y4E5nb0"
    "sqRd7SW5O8adVqlm8qVasrvhdWjfI3MahyIDzPfoDobuXbYLxGlni0L/3LEksqu/+yxMs4"
    "ABv7hkSOu4ebX8ye/gPdbK3X"
)
