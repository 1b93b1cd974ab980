"""Steps several browser journeys share."""


def fill_shipping_address(
    page,
    *,
    province: str = "Tuyên Quang",
    ward: str = "Xã Đồng Văn",
    search: str = "dong van",
    phone: str = "0912 345 678",
) -> None:
    """A buyer's Vietnamese shipping address at checkout: full name, phone, province, then the
    ward found by typing part of its name without accents in the ward picker (the province
    decides each producer's rate)."""
    page.locator("#id_first_name").fill("Phạm Thị Mai")
    page.locator("#id_phone_number").fill(phone)
    page.locator("#id_province_code").select_option(label=province)
    page.locator("#id_ward_code_search").fill(search)  # the list is fetched, then filtered
    page.locator("#id_ward_code").select_option(label=ward)
    page.locator("#id_line1").fill("12 Phố Cổ")


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
