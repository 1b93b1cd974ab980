"""Local stand-ins for the payment gateways, for development and tests only.

Each speaks its gateway's real protocol from the gateway's side of the wire: `vnpay` (VNPay's
pay page checks, IPN and merchant API), `stripe` (a local Stripe API server), and the bank
feed. Their pages live in `<gateway>_pages` modules, each with its own `urlpatterns`, which
`urls` mounts under `/payments/simulator/` for every gateway entry naming one as its
SIMULATOR. Every page is a 404 unless settings.PAYMENT_SIMULATORS is on, which production
settings force off.
"""
