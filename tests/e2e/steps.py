"""Steps several browser journeys share."""


def fill_shipping_address(page, *, province: str = "Tuyên Quang") -> None:
    """A buyer's shipping address at checkout (the province decides each producer's rate)."""
    page.locator("#id_first_name").fill("Mai")
    page.locator("#id_last_name").fill("Phạm")
    page.locator("#id_line1").fill("12 Phố Cổ")
    page.locator("#id_line4").fill("Đồng Văn")
    page.locator("#id_state").select_option(label=province)


def sign_in_with_second_factor(page, base: str, user, password: str) -> None:
    """An operator signs in at the dashboard's login form and types their authenticator's
    current code (a confirmed device with the test key, see tests/otp.py)."""
    from tests import otp

    page.goto(base + "/dashboard/login/")
    page.locator("#id_username").fill(user.email)
    page.locator("#id_password").fill(password)
    page.locator("form [type=submit]").last.click()
    page.wait_for_url(lambda url: "/second-factor/" in url)
    page.locator("#id_code").fill(otp.current_code(user))
    page.locator("#second-factor-form [type=submit]").click()
    page.wait_for_url(lambda url: "/second-factor/" not in url)
