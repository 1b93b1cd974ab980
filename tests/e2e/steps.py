"""Steps several browser journeys share."""


def fill_shipping_address(page, *, province: str = "Tuyên Quang") -> None:
    """A buyer's shipping address at checkout (the province decides each producer's rate)."""
    page.locator("#id_first_name").fill("Mai")
    page.locator("#id_last_name").fill("Phạm")
    page.locator("#id_line1").fill("12 Phố Cổ")
    page.locator("#id_line4").fill("Đồng Văn")
    page.locator("#id_state").select_option(label=province)
