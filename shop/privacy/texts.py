"""The consent texts people agree to, each with a version and the hash of its words.

A text is kept here in both languages, word for word, not in the translation catalogue: what
a person agreed to must not change under them. Changing the words means a new version (add
it, keep the old one: records point at it by version and hash).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True, slots=True)
class ConsentText:
    purpose: str
    version: str
    vi: str
    en: str
    withdrawable: bool

    @property
    def digest(self) -> str:
        """SHA-256 of the words in both languages (canonical JSON), what a record stores."""
        words = json.dumps(
            {"purpose": self.purpose, "version": self.version, "vi": self.vi, "en": self.en},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(words.encode()).hexdigest()

    @property
    def words(self) -> str:
        return self.en if (get_language() or "vi").startswith("en") else self.vi


ACCOUNT = "account"
ORDER = "order"
PRODUCER = "producer"
NEWS = "news"

TEXTS: dict[tuple[str, str], ConsentText] = {
    (t.purpose, t.version): t
    for t in (
        ConsentText(
            ACCOUNT,
            "2026-12",
            "Tôi đồng ý để Chợ Phiên lưu họ tên, e-mail, số điện thoại và địa chỉ của tôi để "
            "mở và duy trì tài khoản mua hàng, theo Chính sách bảo vệ dữ liệu cá nhân.",
            "I agree that Chợ Phiên keeps my name, e-mail, phone number and addresses to open "
            "and run my buyer's account, as the privacy policy says.",
            withdrawable=False,
        ),
        ConsentText(
            ORDER,
            "2026-12",
            "Tôi đồng ý để Chợ Phiên dùng họ tên, số điện thoại, e-mail và địa chỉ nhận hàng "
            "của tôi để giao đơn hàng này: chuyển cho người bán, đơn vị vận chuyển và cổng thanh "
            "toán; chứng từ kế toán của đơn được lưu 10 năm theo luật.",
            "I agree that Chợ Phiên uses my name, phone number, e-mail and delivery address to "
            "deliver this order: they go to the sellers, the carrier and the payment service; "
            "the order's accounting records are kept for 10 years, as the law requires.",
            withdrawable=False,
        ),
        ConsentText(
            PRODUCER,
            "2026-12",
            "Tôi đồng ý để Chợ Phiên xử lý thông tin trong hồ sơ đăng ký bán hàng (họ tên, số "
            "định danh hoặc mã số thuế, địa chỉ, tài khoản ngân hàng, giấy tờ) để xét duyệt, "
            "công khai thông tin người bán theo luật và thanh toán tiền hàng.",
            "I agree that Chợ Phiên processes the details of this application (names, ID or tax "
            "number, address, bank account, documents) to review it, publish the seller "
            "information the law requires and pay for my sales.",
            withdrawable=False,
        ),
        ConsentText(
            NEWS,
            "2026-12",
            "Tôi muốn nhận e-mail tin mới của các nhà sản xuất tôi theo dõi (sản phẩm mới, mùa vụ "
            "mới). Tôi có thể rút lại bất cứ lúc nào trong tài khoản.",
            "I want e-mails with news of the producers I follow (new products, new seasons). I "
            "can withdraw this at any time from my account.",
            withdrawable=True,
        ),
    )
}

CURRENT: dict[str, ConsentText] = {}
for _text in TEXTS.values():
    if _text.purpose not in CURRENT or _text.version > CURRENT[_text.purpose].version:
        CURRENT[_text.purpose] = _text


def current(purpose: str) -> ConsentText:
    return CURRENT[purpose]


def text_of(*, purpose: str, version: str) -> ConsentText | None:
    return TEXTS.get((purpose, version))
