"""Local payment and carrier simulators for development and tests: gateways and carriers
that speak the real protocols (signatures, callbacks, codes) on this machine. Never imported
by production settings.

Each entry's SIMULATOR names the module of its simulator's pages (mounted under
/payments/simulator/), which may also fill in the entry's OPTIONS (`options(options)`)."""

from django.utils.translation import gettext_lazy as _


def simulated_gateways(site: str) -> dict:
    """The simulators live on this site: ``site`` is SITE_URL (the port the server runs on)."""
    return {
        "vnpay": {
            "BACKEND": "payments.gateways.vnpay.VNPayGateway",
            "LABEL": _("VNPay"),
            "SIMULATOR": "payments.simulators.vnpay_pages",
            "OPTIONS": {
                "tmn_code": "CHOPHIEN",
                "hash_secret": "simulator-vnpay-hash-secret",  # the simulator's, not a secret
                "pay_url": f"{site}/payments/simulator/vnpay/pay",
                "api_url": f"{site}/payments/simulator/vnpay/api",
                "timeout": 5.0,
            },
        },
        "momo": {
            "BACKEND": "payments.gateways.momo.MoMoGateway",
            "LABEL": _("MoMo wallet"),
            "SIMULATOR": "payments.simulators.momo",
            "OPTIONS": {
                "partner_code": "CHOPHIEN",
                "access_key": "simulator-momo-access-key",  # the simulator's, not a secret
                "secret_key": "simulator-momo-secret-key",  # the simulator's, not a secret
                "endpoint": f"{site}/payments/simulator/momo",  # as https://test-payment.momo.vn
                "timeout": 5.0,
            },
        },
        "vietqr": {
            "BACKEND": "payments.gateways.bank_transfer.BankTransferGateway",
            "LABEL": _("Bank transfer (VietQR)"),
            "SIMULATOR": "payments.simulators.bank_pages",
            "OPTIONS": {
                "bank_bin": "970436",
                "account_number": "1023456789",
                "account_name": "CHO PHIEN DAC SAN",
                "webhook_secret": "simulator-bank-feed-secret",  # the simulator's, not a secret
            },
        },
        "card": {
            "BACKEND": "payments.gateways.stripe_checkout.StripeCheckoutGateway",
            "LABEL": _("International card"),
            "SIMULATOR": "payments.simulators.stripe_pages",
            "OPTIONS": {
                "api_key": "sk_test_simulator",  # the local Stripe stub's, not a secret
                "webhook_secret": "whsec_simulator",
                "api_base": "simulator",  # the stub, started on demand (its SIMULATOR)
                "max_network_retries": 0,
                "timeout": 5.0,
            },
        },
    }


def simulated_carriers(site: str) -> dict:
    """The carriers' simulators, on this site under /shipping/simulator/<name>/ (``site`` is
    SITE_URL). Their tokens are the simulators', not secrets."""
    return {
        "ghn": {
            "BACKEND": "shop.carriers.adapters.ghn.GHNCarrier",
            "LABEL": _("Giao Hàng Nhanh (GHN)"),
            "SIMULATOR": "shop.carriers.simulators.ghn",
            "OPTIONS": {
                "token": "simulator-ghn-token",
                "shop_id": "885",
                "api_url": f"{site}/shipping/simulator/ghn/shiip/public-api",
                "webhook_token": "simulator-ghn-webhook",
                "timeout": 5.0,
            },
        },
        "ghtk": {
            "BACKEND": "shop.carriers.adapters.ghtk.GHTKCarrier",
            "LABEL": _("Giao Hàng Tiết Kiệm (GHTK)"),
            "SIMULATOR": "shop.carriers.simulators.ghtk",
            "OPTIONS": {
                "token": "simulator-ghtk-token",
                "client_source": "S-CHOPHIEN",
                "api_url": f"{site}/shipping/simulator/ghtk",
                "webhook_token": "simulator-ghtk-webhook",
                "timeout": 5.0,
            },
        },
        "viettelpost": {
            "BACKEND": "shop.carriers.adapters.viettelpost.ViettelPostCarrier",
            "LABEL": _("Viettel Post"),
            "SIMULATOR": "shop.carriers.simulators.viettelpost",
            "OPTIONS": {
                "username": "0900000001",
                "password": "simulator-viettelpost-password",
                "api_url": f"{site}/shipping/simulator/viettelpost/v2",
                "webhook_token": "simulator-viettelpost-webhook",
                "timeout": 5.0,
            },
        },
    }


def simulated_zns() -> dict:
    """Zalo's notification service, simulated on a local port started on demand (its page is
    under /messages/simulator/zns/). Its keys are the simulator's, not secrets."""
    return {
        "SIMULATOR": "shop.zns.simulator.views",
        "OPTIONS": {
            "app_id": "1234567890",
            "secret_key": "simulator-zns-secret-key",
            "refresh_token": "simulator-zns-refresh-token",
            "oa_id": "4321098765",
            "api_url": "simulator",  # the simulator's own port, started on demand (SIMULATOR)
            "oauth_url": "simulator",
            "timeout": 5.0,
        },
        "TEMPLATES": {
            "orders/order_placed": "300101",
            "orders/payment_pending": "300102",
            "orders/payment_received": "300103",
            "fulfilment/shipped": "300201",
            "fulfilment/tracking_delivered": "300202",
            "fulfilment/new_order": "300301",
        },
    }
