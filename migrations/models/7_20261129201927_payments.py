from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    return """
        CREATE TABLE IF NOT EXISTS "coupons" (
    "id" UUID NOT NULL PRIMARY KEY,
    "code" VARCHAR(40) NOT NULL UNIQUE,
    "percent_off" SMALLINT,
    "amount_off" INT,
    "currency" VARCHAR(3),
    "valid_until" TIMESTAMPTZ,
    "max_redemptions" INT,
    "times_redeemed" INT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
        CREATE TABLE IF NOT EXISTS "plans" (
    "id" UUID NOT NULL PRIMARY KEY,
    "name" VARCHAR(120) NOT NULL,
    "price_amount" INT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "interval" VARCHAR(8) NOT NULL,
    "stripe_price_id" VARCHAR(255),
    "is_active" BOOL NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL
);
COMMENT ON COLUMN "plans"."interval" IS 'MONTH: month\nYEAR: year';
        CREATE TABLE IF NOT EXISTS "webhook_events" (
    "id" UUID NOT NULL PRIMARY KEY,
    "provider" VARCHAR(16) NOT NULL,
    "event_id" VARCHAR(255) NOT NULL,
    "type" VARCHAR(100) NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ NOT NULL,
    "processed_at" TIMESTAMPTZ,
    "attempts" INT NOT NULL,
    "last_error" TEXT,
    CONSTRAINT "uid_webhook_eve_provide_466200" UNIQUE ("provider", "event_id")
);
COMMENT ON COLUMN "webhook_events"."provider" IS 'STRIPE: stripe\nMYFATOORAH: myfatoorah';
        CREATE TABLE IF NOT EXISTS "stripe_customers" (
    "customer_id" VARCHAR(255) NOT NULL UNIQUE,
    "created_at" TIMESTAMPTZ NOT NULL,
    "user_id" UUID NOT NULL PRIMARY KEY REFERENCES "users" ("id") ON DELETE RESTRICT
);
COMMENT ON TABLE "stripe_customers" IS 'Each user is one Stripe customer, created once.';
        CREATE TABLE IF NOT EXISTS "subscriptions" (
    "id" UUID NOT NULL PRIMARY KEY,
    "provider" VARCHAR(16) NOT NULL,
    "provider_subscription_id" VARCHAR(255),
    "provider_customer_id" VARCHAR(255),
    "status" VARCHAR(16) NOT NULL,
    "current_period_end" TIMESTAMPTZ,
    "cancel_at_period_end" BOOL NOT NULL,
    "provider_updated_at" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "plan_id" UUID NOT NULL REFERENCES "plans" ("id") ON DELETE RESTRICT,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_subscriptio_provide_147da8" UNIQUE ("provider", "provider_subscription_id")
);
COMMENT ON COLUMN "subscriptions"."provider" IS 'STRIPE: stripe\nMYFATOORAH: myfatoorah';
COMMENT ON COLUMN "subscriptions"."status" IS 'INCOMPLETE: incomplete\nACTIVE: active\nPAST_DUE: past_due\nCANCELED: canceled';
        CREATE TABLE IF NOT EXISTS "payments" (
    "id" UUID NOT NULL PRIMARY KEY,
    "provider" VARCHAR(16) NOT NULL,
    "provider_reference" VARCHAR(255),
    "kind" VARCHAR(16) NOT NULL,
    "amount" INT NOT NULL,
    "currency" VARCHAR(3) NOT NULL,
    "amount_refunded" INT NOT NULL,
    "status" VARCHAR(24) NOT NULL,
    "failure_reason" TEXT,
    "created_at" TIMESTAMPTZ NOT NULL,
    "processed_at" TIMESTAMPTZ,
    "coupon_id" UUID REFERENCES "coupons" ("id") ON DELETE SET NULL,
    "course_id" UUID REFERENCES "courses" ("id") ON DELETE RESTRICT,
    "enrollment_id" UUID REFERENCES "enrollments" ("id") ON DELETE SET NULL,
    "subscription_id" UUID REFERENCES "subscriptions" ("id") ON DELETE SET NULL,
    "user_id" UUID NOT NULL REFERENCES "users" ("id") ON DELETE RESTRICT,
    CONSTRAINT "uid_payments_provide_e43c94" UNIQUE ("provider", "provider_reference")
);
CREATE INDEX IF NOT EXISTS "idx_payments_user_id_d6dc35" ON "payments" ("user_id", "created_at");
COMMENT ON COLUMN "payments"."provider" IS 'STRIPE: stripe\nMYFATOORAH: myfatoorah';
COMMENT ON COLUMN "payments"."kind" IS 'ONE_TIME: one_time\nRECURRING: recurring';
COMMENT ON COLUMN "payments"."status" IS 'PENDING: pending\nREQUIRES_ACTION: requires_action\nSUCCEEDED: succeeded\nFAILED: failed\nPARTIALLY_REFUNDED: partially_refunded\nREFUNDED: refunded';
        CREATE TABLE IF NOT EXISTS "refunds" (
    "id" UUID NOT NULL PRIMARY KEY,
    "provider_refund_id" VARCHAR(255) UNIQUE,
    "idempotency_key" VARCHAR(255) NOT NULL UNIQUE,
    "amount" INT NOT NULL,
    "reason" TEXT NOT NULL,
    "requested_by_id" UUID,
    "created_at" TIMESTAMPTZ NOT NULL,
    "payment_id" UUID NOT NULL REFERENCES "payments" ("id") ON DELETE RESTRICT
);
        CREATE TABLE "coupon_courses" (
    "coupons_id" UUID NOT NULL REFERENCES "coupons" ("id") ON DELETE CASCADE,
    "course_id" UUID NOT NULL REFERENCES "courses" ("id") ON DELETE CASCADE
);"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "refunds";
        DROP TABLE IF EXISTS "payments";
        DROP TABLE IF EXISTS "subscriptions";
        DROP TABLE IF EXISTS "plans";
        DROP TABLE IF EXISTS "coupon_courses";
        DROP TABLE IF EXISTS "coupons";
        DROP TABLE IF EXISTS "webhook_events";
        DROP TABLE IF EXISTS "stripe_customers";"""


MODELS_STATE = (
    "eJztXXtv20a2/yqE/tkWcINETpys78UFFJlOtStLriSn21YLLk2OLG4okuXDqbvb735nhg"
    "/xMUNxKEqi2AMUQU3yDKnfmcd5n//0NraOTO/Vg4fc3rX0n56lbhD+n8z1C6mnOs72Krng"
    "q48mfTDAT9Ar6qPnu6rm44sr1fQQvqQjT3MNxzdsC1+1AtMkF20NP2hYT9tLgWX8GiDFt5"
    "+Qv6Yf8ss/8WXD0tFvyIv/dL4oKwOZeuY7DZ28m15X/BeHXnt4GN3c0ifJ6x4VzTaDjbV9"
    "2nnx17aVPB4Ehv6K0JB7T8hCruojPfUzyFdGPze+FH4xvuC7AUo+Vd9e0NFKDUwCRu9/V4"
    "GlEQwk+ibyz9v/iz4t9ZiiTKYLZS4vFKUngJ1mWwR3w/IJUP/5Ixx3Cwi92iMvGH4/mH1z"
    "efUthcD2/CeX3qRw9f6ghKqvhqQU9C3KaKMaZhHo4Vp12UAnBDms8aceBuUYoANA2tuovy"
    "kmsp78Nf6z/+5tCcafBzMKM36K4mzjFRGuk0l0qx/eI3hv8XVUz/tqu7qyVr21CM4Fwmbw"
    "ji9sAd8u6aMj/ub16wqI46e4iNN7WcRX+MUK/UMA7QxRB5HuV0K6X4J0v4i0a5sckGUr2F"
    "CgR/ibVEtDBcBj2kNhXdysPT/QkeULbs+9wc3daHItqfrGsJbWaDJfzB6Gi+nsWjII3oHm"
    "2+7Smi8ebuTJ4lpKv0V0NVxVWQxX/LVwlWeQ4Sn42DaeGVz6aGMGqBbnME3T5Tj0iAkPtR"
    "xiph339Pw4nY7JyBvP+9WkF0aLHMYPdx9ljD2FHj9k+PTyaLLIAU4PR+UZuQZ+ka6ofhH4"
    "G4yZb2xQyemaHyDHAT0a4VX8PxXYESHbls2phBuL0Z08Xwzu7jMsuRksZHKnT6++5K5+k1"
    "8UySDSj6PF9xL5U/p5OpHzAlLy3OLnHvkmNfBtxbK/KqqexiS+HF/K8NxUPV8x7SfDqsHv"
    "AjHwus28Jhz43baERIs0zfEki97DYngoTSR7bF1VkZqv+ELzVVFmdu2VwRIt/jafTjjS8p"
    "Ykv4IMzZf+K5mG5x8M660e+BgYpo8Fg1fktadQBQlEmdUUA/3N3eAfeR4Mx9OP+WVCBviY"
    "Y8hmpSrIIhAxdPJSSSJHeURZIrlytsIEwc5DmosYpwp/u8lS1dpwWnaAHHq7IYg5yNLxN9"
    "TEu0gNuFfDnco/no8cxr5iPI0snw96hjSHt2FV2ezbhvcT+Yjv/trvX16+77++vPrw7u37"
    "9+8+vP6An6UfXLz1vmwrGn0im0qGH8VdBs9YglAN2TVL2YDg2joTCv6B+tQyX6K5ciaSbD"
    "StSwXZwNFrcj1LCVxvC9cZ+gv9euJfWX1J2f7JhUdV+/JVdXUlc2c7PTzkeRg2j7ErR5S3"
    "f58hU6XYFqdB5GIaBP56Ho50hvPgj3jmx1e382ELFNbrFDLPFd/+gvbFa2qhBR5rQYbqKm"
    "CaHbh4dim+GjytGZuPCF5DOlZXkfJ8dbXCG22EWBNQzcmQXcULWa5tmhtEaPbCSk4G6ipU"
    "vwbG74qqafYG/2SKxp6Q/YAHHKTH6zZyvo82zr7TjGIWjtRVtEzjGSkbLAGoT/tuYGM81F"
    "04UqfRclTXNzTDaWJVEszu4/G6u5utsZCMz0kKXzOCKwGu44KrhvC8WBka/ln7ihbbkboK"
    "FnEt7InS3LddpN9GPoouguSoLw0IX/fhKF0FyQsek8H3nVGpoboEF7FP2H2bZ7HI3kqrS/"
    "gjkKIFnm9vwtBWNrZEy7bxP1XWLBlymBrxvAzKpRBv+pscxBvVwtKVHg1HiBl2HEYkcc7M"
    "ww8oVvGDmRN6Z2BxD/NJ8own6zvDkmzyH5J09GxoCP+SNcJUG8N8kdAzcl8k1/YJayQXrV"
    "zkrSVqkpEekWlbTx7+61Uvh1qzoy+tpYV1IPzzwnueRHAiAxmuFP1q6Zt//csz9H/969v/"
    "wQM921/wh9BXxffx6AH+f3JtI6k+/iQN0e+GQOpjeG/3CKQGPwoX8DO1qFfxo1AnJF6xdf"
    "iepwXOnxPn0W+OgUerE+OZoewg18+Ey5Ui/ugpXWt5ZykhrrP9XFbwbuWFQmzV6J8CYfcC"
    "fy77FQJ/LvvcwB9yKxtyQhILFaxqWEKBVlmqI0bSHkoOzcFcKUPnsiRD57KYoWMw4qr4CB"
    "usUKrzR7b5yDU6FcXUqhRJk7pVe8+AHapUISwli24R2lvbRVhV/zt6KSSWsa03cYLzeUJa"
    "MNrgy676NVHv0xMK/3b8i1EYRzwczIeDG7n3R5U4nyaiVmahQaRzUStCdkhBi1om0odhUs"
    "tHAvFtaowAJEjX766VyQlcTFE76zZF3uYk595neTa6/UmR7waj8bVE0yFfFJobubRmMqG6"
    "H8znP05nN9cSBg/5Spwun7fxnkbCpYtROOU/S9W5+grNy2Fgc+VDD5Y3sLy1lcuVbDI1re"
    "rNGtRbZpnpGH9Bid5PUgQl+nRK9CHVw4xKzVAP8yo3Xz2MohVAO/xTaIegdoDaAWoHqB0t"
    "kmDaxGVw+AOXEy47pqphZj2+iAgmObI9JJTz4e1OeaSQNi6o1WWpQLErV+y8baT1nrpdN9"
    "PzL3IqXnZ2tUnLi9LXGfrdNrGdr9ml0sJBpeuwSmf4vCK7HG0uJmizg6+mKneQKsaeGTyJ"
    "ABw/3zlFud+vhG6/BN1+Ad30lxVAXqDfOAW+cmQdiEkrk57lfywygnOhZmMiPI+nk0/x4/"
    "lCjnlZTHW1tYI/LNgwIy354DNIgQHCDCAJ0U+2y9Av+HtLmuZ4ldEPhfgRiv3rxmplaPir"
    "OTDvDonJjnDEef6IngzLCt0rIrExH+VPo8lEnl1L8QikLP1Cnt3JNyOsW5PC9D5yN0g38C"
    "cvrcHN58FkKN+QGvbPBIJaMTLNF6d3XENDirqxA9buxC39mCerVfmxFsdeH2qZhHUf+2/e"
    "vn/74fLqbVLuMblSVuWRUdExcF1kaWIbT4rmiGtA/nR/nM3nskqEFz/Ai9FYwQkeTcNbC1"
    "dEzpMerCRyYZ9P8D/bisgJcDWss3lasM+22T5LBFDjuRajc6TA5zbz2V8Hm0eL9DwJXKE2"
    "ZAXC7iXevaskML8rEZjfFQVm5OFJT33QeuDSzA5lY1gBswoUVwYrHwQkskIlf+SrxMJXhJ"
    "jf0SJNAy0tyrXzGi0tttVCSYFVIQ2ERQpzPj/nyb5gPQmDmycDYDnAqs8YgSeGa+DWtNVy"
    "cFOkOXhXhPZgAL86FMQl+N1MHz6OZel+Jg9H81G0kSQiEL2Z1Tpm8mAM8V4Q7wUtEjrHdY"
    "ZGUijQuG3qKRjFUiCEQJbyQJYtYIwzDPIUMkEshcmViWOZ4Uk/Gw0X1XL+vbgJQM5oCd0E"
    "MoXdkOftX0eaDtJViDykNVHGNhylqyBBV4rKUJHeCr/vW2ebdFXoKkBQ4R4q3Hekwn3LDO"
    "+VMDp2gftzwWjPGOlMbzCHubPdqdbLwib/VlQHhnSkOov1pPGYJeoA/WFKMU48+pkumXdI"
    "V1JQJk3DbJfy4Qt6SYEc6REJl7Z3MV1001+7dvC03lKle5ExI+nxdSWN+LbafHkQfKhKcC"
    "PhE01jVzi8kig3u0vLjxKdypNUS5d8pGprUo9dxccimWC+Jz2iF5vcWiMpfMFfPMn+in9f"
    "sZb8/sMxYvF/iX4XvU1U3H9CdH6bovOxSF67FldMe8Rwq2QqCqLcG03mi9nDcDGdkejCeK"
    "IvrcF8PpovBpPFtZQd++TRhaqu14seSdGB5bYtltsq9vrM0VV148sQgcUW6twe0QC+Pdr3"
    "NH53rg/uRc78nVml7BTO/LQFn8KZ1j6KbOYMXWBrTeerASmzfbNZsWlJnGYAgiTeKkkc8m"
    "S7nSfbLnwhU/a6Q4matuULZsimSABwYcApVsydZLfVJKY9Iuw+ngaiBpPPoxt5ei09Gzqy"
    "lxaBBZ+7eJyl9cPD6Odrifg6Q/PJp8mdHNtPnqzYNXB6A4rt6iwpmhu4mzwPEbv5iN09Mi"
    "0gv6IKwHSZiWYQZYgge6hS9hBJXnXRs4G+FpHemfW6JTxYzmsR7+TK2Sa9Yuhs+mkqY3rv"
    "Aj1NCagLoK4+qwaFQFFXPnIVXX0R2bd55LB3M6Z361PpuzjBIamFP8W76ySDpJaucT3GqC"
    "ypBVyjByh1Sw3mwqVu01RQPhj8o6fwj3rblIs9ka2evNHOCVuhenB6wWagxZ8gTR7G42pZ"
    "V45rk5nfSELRfWqsjszokyWCnMm8bEceyDmCBZkNB4naL43hiI8FRhBH6sTgR3GkMwuhuD"
    "kEbUDQRt2gDfDiNVdWFZRoUPhaopZUUPiqKCXHLXIAklEmi58hHGVz/PnyUa6oQNORrp4f"
    "6NE3REsSgl1bJTfh/c8PGMu2WgjVlvp4LQbw7MSapiDKvcFwMfosX0sh9dIaTu/ux/KC1L"
    "LX7I1D9jx9ad3Mpvf35Jru2o5Drswf5vfy5IZc8wLPQfjDWlL03sPrSasd/LalPmL428pF"
    "woy7ncmYbYRyad0Pfgoj3KL8ecKej/PhbHS/GE0nhEOPCS2+txjc3uKLcR7v6VkWbra1fG"
    "Y5UnCatcVpVsVViqegW89VmqWEAuTt8YwWuZycI3UCIXK0wOk2c9pUPV+hkoThv9TgNose"
    "ON5mjsc+N8VBWGyyfNFyyRx6qJlcpWZysjdGRgbhSuAlI4BxMm+c9G1fNWtDzaEGmNkwk5"
    "1dIWqlr3gIv1EXiQwuGwIAZxe7L8I736imuaOJQG1EW3YkR5he9t9fJXCSP8qQnN8NxmMG"
    "nJzcDX6mIzdp4yxTZI6d6RiiV0u5yJGCpNlmSRN8g80H2IZOCNEA2wwVgFrucE05evb0uH"
    "a8Vk52Wu2OsAVP9v6ebLGuBqHyokCYbfXISBc5trt3OeMIpBkdrKtQQennBkIlmKXZ+YhO"
    "LbSw8T9N12c/J2yF66Ylexa3flp6V9tVRy2znTYdZYIywS7hCyHQBAJN9gxXsGxfiRywgl"
    "j36L3FYEYDTFLjLK3RRLmfTT9hkWROCiAn64IdktKrxLGDh5qA//pPYXkA//Wfg9P7eR3A"
    "31AxyJ8uCZLyWeY0Lnc/cAfpDN5N+CJoPAVeJAYFSnxKc+k7g3JjsxqqfvChPs8ARsaJUd"
    "J6UNCIXiAEO3p+7wrVYzFYM0QAablrImsd2NOK3snemRc5S3ph1e52U5hJ6taeAHeu0W0e"
    "3MzabVO7hJz9nWH2K1ro+Wa/JOIx5RvY3UltIGmmgefdXzwppJMM/QL/7wZtHpGLdMmzJX"
    "+t+pKKL2J+4CvRc/gw8yQL3yVSRN5s0uS4FSyQISlhMRghW2WE3DKmADa/UkCGqIPVAq7e"
    "VrAXXr3l2gvJrXyskoaM55qxShlSUBPaoiZUyXMCNQFk2raKXRVl2tOIXgPfRxvHH1jeVy"
    "pRFCSv7AOlgpcaPqqo9NmD+FujV5Ch8U2PDgKSTqskHUd9MW2VAfXf5tMJJ0dpS5I/dg3N"
    "l/4rmYZ3sB0ihfljYJi+YXmvyGtPATuBKHPiFuK386HaOf6QAfLx255aTyBK03VQGjoT6a"
    "eSW82xya9SVHIesCrQl+UHFkhrpgaej9e0idRAg6SYuVhnYCyrXfX+U4T1qv2fD9QN1vpf"
    "IaQTmaeINz/xJ00DPc6EM3+eXJU0En98EVSq8nRQI5yJq/iRnCGESJc2H8mxMiS2crJUYI"
    "vILZxY5xNENUcGsJabeFJK9p72HVK/fLAd7TzB3WngyS7a3R7LxHLRDMA/pIbrKMK5Bdwm"
    "Axot0c+wm8Wl+/nmslSHAKgP3l17GNQHP3R9cGg6Dj2wq8DukC3WSL6lckrN/YzUcB3K11"
    "I8wtL6NBvQ0qyhRtarsRSaT5ZxSPtt60nxNCxGFPlSHu9dID5eBPLVGQR609wD09gYfo0G"
    "2GziDpX1aSzIm6yQSJwWAThPBtCWNQNeufZG1PJUpAbzU6vNTwm/Ass3GE23q7I7IQd+t5"
    "nf3jpYrTC7Yk2ZVeWhzC3FpIde1AL+qRjBsFt9XfxT1IC+APphpTnFsU1De6mrkxQGOaJy"
    "oq585Cop06tQ0r/8WZ5hBqBn5C6twe1CnimDxULGW8q1lBk5vou1ubkc39NMO6zPdHodBu"
    "tTGqqRSFmgO576cnkuGZQO3kEUz/idoRvy1cI0DYjVRVANT3GCR9Pw1qzAm12hIBlS2PAF"
    "NnzNRTXTgbOUHYxs63CcPySBd43rDO2mkAQOlWm7lfzdMpHgIEEUUD21qnO/Qh/Q0+Z7t3"
    "O67pHujb9AmjyMx9Wq0qqaZm8wZirPriFQPZQGBKXH69C8ZoX/NQFX5+KnmMFQDSDVwUCo"
    "7M5nPBMTh+ftD9cYDzUPR+rOBnjQpsfFnYsT9FXY3sojwJTi9tp00uSvUShaXCkfEiZbFS"
    "CGfsOvqBFVUKCDmnHMqI0N/kTDMY0wfblyYhyD9phN896ca9O8cFrWCOIoEsKEzk9oemKI"
    "Jj8kJGAFgf48RzeExNJHA5kO5wtphQyHZJXuNoFAy6OKqFZpeXS6tJFYs+cpElvFf5cKkT"
    "ozD6080IlBSteBGtEuNSLiSnV5a0twPDnrjBz7bW8bUpzERrbXjUgAEb83yPzh491oQXuD"
    "eMHjxvBpL5GJLN/MFZIEMZp8IoFHSPcUkguBOdTO5IgWdRJp28o5X09xMUBAR6puGhbD8V"
    "bO5DQdRDq3mcPJLlRnKedogdNt5jQNSyVlZNiHMCfsI03UhXbfhz4YU7n1DGmHX7QvT9eO"
    "yn3kfZ2p3BcmAyi2q0flNKvypkDYDuZ0q6wiO8u2xKPAS62FCnssPwLZ9sQxzlAd01/z+l"
    "z9NWUtwsrqRpY1BYMZzURa9TzhJIEtEdSKrJwcAAX2uq8dgCsUXKFtBBVcoeAKbSGq+7lC"
    "U4HN2+YO9cNPC00lOgL6wSNQkxBnjs84HQK9w2mcCbyGAoTddQz76DfG/sivixc/34nyg2"
    "USL5TEEwe+Nx9NPo1lZfj9lFbEIzXjTKRoa5uWxbt7GC9G96n7UQDt9onF7EFWbgdjUn2C"
    "LDeFftXSmn8/nS2UwWT+I6lk4a1J47vwrFlaWO+TZ6Mh+d4Ncg1tacnz+eCnawl5nkoN/a"
    "c3o4d9NMRMKAkJBBZXMJ9Qa3YRYG58S/I8hBHn7SPcGkW7XAotciZ0ytMT7nTKF8TwdfJ5"
    "kqVqB1s65eNBvzkmFsdFKwvnyKCysLAYBdVd+GfBedb5qFLdBUy6YH08tZ1sp/URjGRtNp"
    "KRxHZ+M9vU3YsyAxnNtD9gG1tHdX1DMxzVyrSyVSinCokVv/S8bao+61kwrp3MuAYdqQ7c"
    "6IvO8gKyXKW/SAjJLazqidQaJ6JrbimOr2eeZroeRKN0kYaMev2Yc6QdVG3ORJWpFJ6CxT"
    "uHBKJvhEogZIhg52LtXLW6Lu/dcrltsB4njo7n1CgpF81xacDkpfBs5X5BgbFICTJjPoIt"
    "VJJEI9gyVABquQ0ppYjuaUYSq0DXUnB3R11lZtfucLacYaABjO+zI3YU5+L22KZiH9Ts5P"
    "vI0im/eIap7RMXu41T2Yd32ad6UwtJ+Bnka2vJXkkOXvEIE0uGJflrJLm2vZG+UaXAQ65k"
    "42tfbfyMreHpizxprXr0imt/9b591ctxrumxIaCsBWfARYnNizBS8JRNkRz2iC0A3soTNr"
    "3l/xuLzLXsARlCsAa02hpgopVfg8UpMkhGajN/QfcA3aNtMnEV3eN08vAdid194grD8e3d"
    "kvAmfPLwaQwZN2wqzAhcsKcVR7/g31fEuVrIfUzb6pB7jM3iWtLWqr+0fnjAZ9VoOrmWfk"
    "2l+oiGv3+oEP3+gRv8/iEf+46PxrXtKvRPJiM44atZsjbzoLrFOINz//XrCkjjp7hY03u5"
    "FBPI5zleIGrgPNtiZflTFJB4kHeArA1dR5by+KKsbU/UiVckho6ZAs68MJ5NuABJmgzwhg"
    "6loPojlvAjJutniEDxB08uWFM6YE0pbgsNwNvxuiSZnbB+xkUode+bckGm8gMdqUOIHzzf"
    "Ih1iwDHn5aIQdpj0Ut78g6RfpPY+4piEThbtMujphueY6ouwPSlP1wmDxxEMSuCB/hOoKZ"
    "xSulwzFq+ILhixyEaC1C8iWCYEACYnnh+jFbBiHrmYFugAWrbBj5mB8tF44iKbIesMqn/t"
    "9y8v3/dfX159ePf2/ft3H14n8BZvleH8cfSJQJ3ZyIvYfzG0L7XO1AwhBP20+Uhdq5au4J"
    "/m1WJ0kRq43WZug1HyAJbeNocSnwmcYOM9mY038Jg95cHCm0E1tWBPXFEnW/6lI3Af3Lwb"
    "r3uOaTe1Leww60bLCwpOd9x+2/mAzB8eRj+TAEzj96U1ludzEo5p4sndimBM3/BNIbN5Qt"
    "BmzNtmL8f46UIoZ4iO1hP6aEBXqafNL6fN6tbs166jnhAfsfCqaT+GLUdF9pHx9OPHn/DW"
    "QWiX1uxhMqHdtN3Asmgf7TjYW5ney6mIb8V2kJW6OxxP56TddnI/7IG6tOQJbcONrNZ04Y"
    "Zmo02czQepTKUFrksbxAhWXCvQHc9k/N2bQ+1tjddbR5ZXw0aYpgPrYJutg3TLrcPiDCHw"
    "uM089hD+cbqnOMhNuicJbJQ88uPtl/1z8VyGZcTqAs2hPh7Ob16/PhekPQchXXm0rYBlWy"
    "vLC8lRHjE1JNZyzjYzxFvjjQcjqyP30VZd0YwcFjnAL5CYQ0JG8JHr0SpKG0e8mCSDHlKj"
    "RBaAjxxhRSNL1JnAlAbD0jA+jvpi2ipjR+Hr1nm6dujWneojBKmA/FXQ3XY2nq+69biepQ"
    "StsM1aIbWu1uBxmg443GYOY3nP9ZBgmFKGCAKV8nUg8G1BQFMkAGcOztD5LAhohmgPSM9n"
    "5xFqQHOiVnSdQbMkLjHcG4vYCkfODZOBznPZ74ydy5wiuwMSj9vir51TtXaHP/x+afIwHv"
    "cYW2sDoI6TgboJa+Y4qQAsuwAUBM9mUU1JPRA82zzc2Xy5TE39PZHKjNVFtNJ1V/fDKlXr"
    "tYtA5atZ7AdWN/t5HDyIParqwolh39Z82RHCniruWK3nRkggOcgN+1+olp7E6V3T9hgha0"
    "j/C0lHmoHHuJAs25dUiVhG2d02GhmVWRpls12Lcd4GVEdpVXQ9pMw1quhHE14Q0SwVgFqu"
    "76c2lQbyELsnLuSF/uzsalPl/iHC0sfK0FT2WZq+XXqYatsHIR2s4weWFWweWXmy/FyZLU"
    "UzGRy7cT5enszbKokyb/mZMm+LqTKBTuLvRaul5ekg+6ta9ldkkhVOs8vTAd7V8DbICwPN"
    "r9FggkEKqFed5RsHyxwk5UpnpuKR4AbeRC+QlsU3nCH+JXCTgIUclCvDRMoX9CIyc9M0ta"
    "Zsy5wI2Rn77k2/wozFT3FnLL2X2yc8L6gViJMhhAi7toTmVImwMzzFRc/2FyQaQp8lhNht"
    "gdjtCLcaCy1LCTFvbY55C3mFF4nK9H7zu00VCLtwfJVx9hBdpyDisPmeIpG6K1i+L0MFoO"
    "ZARZZrm+ZGHNcC4XHNaq0EtsSAHk3DBgzoHQ+Xya7XjOV8hs/E2Wi46DF22gaA/ROHIm6R"
    "FXFKsHaRIh+mFlrY+J+KXJAzQ53jxrGTD4Wtswov9nL6zH28GPRbw2T6fFJ3L8pcPh59Ti"
    "GWjWP0ara/WuFOB52aW+MJEjSC7WP/atfaPoL5y3aNJ8NSTWEjeYGwiybyd++qmMjfveOb"
    "yMm9vJJm+WQXpkAJAJ6n6yDeb/plqetJ5bj+e37pOHIvp8EZv7MCc0s6WcQUx6sVcEiET9"
    "LHwlur/XdXItN7S9HBid28+94JXHyK1q51mSJvM9y9wefBYjC7ltRnLBy4S2s4fZjNZWXx"
    "/cPdx8lgNL6WYv/4Otg8WqphxqV1lcFiMRh+fydPFnGVXVJ3RdXWRAbGI8mzxeh2NBwsZD"
    "xINgBJ+Jyowt4+n739Anuh8gMf+u76pU5qvz0f2zlkOJ8QUaogCwKapgFjeLnNNjFAgMW2"
    "zJyVnlK7E5yPb65t59pvOnEcspwr4srPcj5xZP4cC8N3WGzusUy08b2LUgMtMUps4sd2Zr"
    "f96Bokx1VSVz5yac4Z3qieSTKapiEH851ei1IZrmniGWYBvvxv+1FaYTZjdkiGj6ks3SO5"
    "aWt8oZjudpjXLK2lNZA0V/XW0iPyvyLyBjogmd40nw4/6NH8ORd9FxKnXiR9Nfx1+DUYai"
    "lKSfludLO0vlF9rKaoni/ZeKgLySAOKayT4E8iF77l5d5VTVoAI2rTJj2+wbosOYwPeWly"
    "WKvU8tNjn4440gzHYDoB+VBniDqI9GW/Smw3foqLNL2X6xCENo7J7a/CBjpN00GcD5CWQ0"
    "7TGpUft2Rg8mm7yaeg/Z0oKdMOHHZ/vuhOqdin0WcgC7PjvnfRfmXNtiprkeD4tsqJ+pZ/"
    "oL4tnKcOcjWybdurVRHh+UY1TX6riixpLUdlyzTpyE952X9/lXgmyR9lvsj53WA8Ljof1Q"
    "2ptM/GlQtplqhDiDZWKD7s2KUJqZFpmi5E9OfE7CpCNl/Ezm8Iz6pp6AqehaEtRUT+y5FC"
    "kkybk2TIHHKRTlqAxH2NK25SDErYqYo7FZniHgUKbVg5flx8i4TQL6RwDEBoAuip/KKhjv"
    "pCAmz2LFl4H45yflsZzyG0b6XCvC+Tge+dar0sbPLvwXNP2prxQH+YUrRmRD/TJfMOb0Ap"
    "KGMbxsp2KR+I3+M65wdNmLS9Sciiu/7atYOn9faGkuIQ09WHrysFxP8otdXE64FhrEktFb"
    "61Jr0qmzXX/NJzXPvZ0KPCS9H/4zN0hYjkjwp1IH+hdQXJw5Bi0RozT5qHteJJ03OgxXb+"
    "HklzupevJYKyg5bW3U+3g8V0Oht8fy1tXlaqb+PjdZ13J1cKXm+86zljMTHZw7ERMam7p4"
    "QfxKv4Bf+0umshpj3eOsDHDKkQtkGCm04Py4oKEQ6vpXiEpTWThw+z2Wjy6VpyEbHfEFa0"
    "Yj2EJjphm95x1bgzUpNPYtCrN8HlT/eHOlAPatKLrMp4Cw5I3zZxe3SaEmwRxd6lqs/qQF"
    "1to95SH3EmO4jGlonu1Pfy5IbuyRE92ad/eBjN5LkyGC5G0wnZrX8NDCzyKSoVRpfW/GE4"
    "lOUb+QaLO4GmIYTn0dK6HYzG5NJKNUzy9/1gthgNxuOflJl8+zChj9PeA6ppviTzj7wvvp"
    "uek6dPlSG/I3Dr1BwqUnZBOjp60SGwB/5J7IE53URDnleL73la8Fa12VsVGbWEk9K2RJBC"
    "1aIybZ1EtBUFxTqJrBc8Jm8XLYJXJAV0s+hCU55DplLGfgbIpCxLTUtNqFYWvmvnwm+k7h"
    "37CGsAXKF6dmcKcHlBO3bz2PSR1ADM89xw3QSacY5XgFpLcgj23yicLsObUZU4wFYJvAmt"
    "cnvG3czoIB067Q7aIfTeVJn5M/T6RWk8Bn4Ccmc6HlQhWlKxw5UU31RKSH1TkpD6ppiQ6r"
    "iGhhRhr3CeDHzD4Bs+hW8YvwS5zyoj16Oa+zJN3+Yto3c3nSxIeJVt+eul9ZNMCvq9INWt"
    "4z/8UIEHH7g8+FDsgkjCwJRwSxAr18Ag7YL78AjBVUboon5mlWXd0X1pS3fE5kuxcHK2vZ"
    "fARcuf7t1y0dZK2Ugr+Hvqj4IWkbbNhpNokZHOzdAjt9o4X5NMqf2gS3ZXl0xHc2N+C8oq"
    "bOpGxJUWlWg4jLBCsm1tn+g1ot1YGaSdK4txEMwh0LtZZb5OO8a9QiLrKfIn2JEPEhFJAn"
    "GRR8TmxxdB7z6DFGImQJn5cyozGVtvmMAquJyyVBAvUx4v42wziff02VZP328psDu9ttmZ"
    "1UBfw+b0yTk1TA4Dz7c3VJVj9N7LPHFR3n+Pmjm16OFqimZPVrW1RCKLJMMjuYVS+EopHu"
    "ZCijZjWty4WL65Bv0eKmx7wvDaUFihYc01ZpmgypojA8WpUm85kI3+JLKRgKG3eNbsCpEV"
    "7J5bN0C2DZtdA+GxDZ7caes569zOWddLTu28Sf8oRV/ykYL50i9gQ26FDZl9DLe1yEskgQ"
    "pCfZ6FXnZm21Qw8e9Ou4G4BLb0lEBYU2Tl0QP8leA/w2IOhqXZG4eKBILb02gynN7dj2XS"
    "fXQ7ytIixRw+42thoAupzjBfKDcPMqnJ4PmKHuBrw8FkKNMaDhqBwqxXiaH5bSyM//MVB7"
    "mGrSuIVUJphxbCHAHyw1udH07nIFYcS/leGtjFG+KIMV7JlbMN8kpOn8DRuUaAsrbnnAE6"
    "U3XoyC3QwRbDZ0i3bDGZjO6SxVfO9dJVB1xv0yEYfX1q7zVV0eoIKRLwS0JZhCO6eaEsQv"
    "NlEZwo43Nfv3k0TEcxTe15wh5z6DBwyhj1H9Hj2ra/yM+cIvSZ+xdlnomv4ZMKej5GPXr6"
    "FnBFgCviVLmP5+SGSBYLkynsBZCmaTMj2mTopgAJYBw/30F837yuVBfgdUldgNfFugDqi2"
    "mrjGn8t/l0wg0UjUnymreh+dJ/JdPwzjickQUuASOjXhdC3/NR7rltngxQDH3XkPFcy/6R"
    "IwUDSFsMIFAOGNw9qdws3yftJ0W6VqZJOuNNaCw5yyR+XeS6NkMY5idoZam6EGFwjCytva"
    "Imm9OmB8g1tHWPoUdHdy7KNGh1+0xrEr65a5+pGTBWfTQZWxsu2syq5yvEz8j1mEUp+WpB"
    "iqSDmsFhEovxohJAOHq8g+geRO/Cb/SZ+WN8vStFAnqXoN510sPsj/8HhvT4tg=="
)
