"""Payments: paid courses and subscriptions through Stripe and MyFatoorah, webhooks once."""
