"""The providers' clients, opened for the web app once and for a job while it runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from aiohttp import web

from lms_rt import keys
from lms_rt.config import Settings
from lms_rt.payments.myfatoorah_gateway import MyFatoorahGateway
from lms_rt.payments.stripe_gateway import StripeGateway


@dataclass(frozen=True)
class Gateways:
    stripe: StripeGateway
    myfatoorah: MyFatoorahGateway


@asynccontextmanager
async def open_gateways(settings: Settings) -> AsyncIterator[Gateways]:
    stripe = StripeGateway(settings)
    myfatoorah = MyFatoorahGateway(settings)
    try:
        yield Gateways(stripe, myfatoorah)
    finally:
        await stripe.close()
        await myfatoorah.close()


GATEWAYS = web.AppKey("payment_gateways", Gateways)


async def gateways_context(app: web.Application) -> AsyncIterator[None]:
    async with open_gateways(app[keys.SETTINGS]) as gateways:
        app[GATEWAYS] = gateways
        yield
