"""Vietnamese banks reachable through NAPAS 247, with the BIN that VietQR carries.

The BIN (``970xxx``) is the 6-digit acquirer id of VietQR's beneficiary template
(field ``38``/``01``/``00``). Codes are the short codes in common use by Vietnamese
payment services. BINs checked against the State Bank of Vietnam's list of NAPAS card
issuers; names are the banks' current trading names.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BANKS", "Bank", "bank_by_bin", "bank_by_code"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Bank:
    bin: str
    code: str
    short_name: str
    name: str


BANKS: tuple[Bank, ...] = (
    Bank(
        bin="970436",
        code="VCB",
        short_name="Vietcombank",
        name="Ngân hàng TMCP Ngoại thương Việt Nam",
    ),
    Bank(
        bin="970415",
        code="ICB",
        short_name="VietinBank",
        name="Ngân hàng TMCP Công thương Việt Nam",
    ),
    Bank(
        bin="970418",
        code="BIDV",
        short_name="BIDV",
        name="Ngân hàng TMCP Đầu tư và Phát triển Việt Nam",
    ),
    Bank(
        bin="970405",
        code="VBA",
        short_name="Agribank",
        name="Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam",
    ),
    Bank(bin="970422", code="MB", short_name="MB", name="Ngân hàng TMCP Quân đội"),
    Bank(
        bin="970407", code="TCB", short_name="Techcombank", name="Ngân hàng TMCP Kỹ thương Việt Nam"
    ),
    Bank(bin="970416", code="ACB", short_name="ACB", name="Ngân hàng TMCP Á Châu"),
    Bank(bin="970432", code="VPB", short_name="VPBank", name="Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    Bank(bin="970423", code="TPB", short_name="TPBank", name="Ngân hàng TMCP Tiên Phong"),
    Bank(
        bin="970403", code="STB", short_name="Sacombank", name="Ngân hàng TMCP Sài Gòn Thương Tín"
    ),
    Bank(bin="970443", code="SHB", short_name="SHB", name="Ngân hàng TMCP Sài Gòn - Hà Nội"),
    Bank(
        bin="970437",
        code="HDB",
        short_name="HDBank",
        name="Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh",
    ),
    Bank(bin="970441", code="VIB", short_name="VIB", name="Ngân hàng TMCP Quốc tế Việt Nam"),
    Bank(bin="970426", code="MSB", short_name="MSB", name="Ngân hàng TMCP Hàng Hải Việt Nam"),
    Bank(bin="970440", code="SEAB", short_name="SeABank", name="Ngân hàng TMCP Đông Nam Á"),
    Bank(bin="970448", code="OCB", short_name="OCB", name="Ngân hàng TMCP Phương Đông"),
    Bank(
        bin="970431",
        code="EIB",
        short_name="Eximbank",
        name="Ngân hàng TMCP Xuất Nhập khẩu Việt Nam",
    ),
    Bank(bin="970449", code="LPB", short_name="LPBank", name="Ngân hàng TMCP Lộc Phát Việt Nam"),
    Bank(bin="970425", code="ABB", short_name="ABBANK", name="Ngân hàng TMCP An Bình"),
    Bank(bin="970428", code="NAB", short_name="Nam A Bank", name="Ngân hàng TMCP Nam Á"),
    Bank(bin="970429", code="SCB", short_name="SCB", name="Ngân hàng TMCP Sài Gòn"),
    Bank(bin="970409", code="BAB", short_name="Bac A Bank", name="Ngân hàng TMCP Bắc Á"),
    Bank(
        bin="970433",
        code="VIETBANK",
        short_name="VietBank",
        name="Ngân hàng TMCP Việt Nam Thương Tín",
    ),
    Bank(bin="970419", code="NCB", short_name="NCB", name="Ngân hàng TMCP Quốc Dân"),
    Bank(
        bin="970412", code="PVCB", short_name="PVcomBank", name="Ngân hàng TMCP Đại Chúng Việt Nam"
    ),
    Bank(bin="970438", code="BVB", short_name="BaoViet Bank", name="Ngân hàng TMCP Bảo Việt"),
    Bank(bin="970454", code="VCCB", short_name="BVBank", name="Ngân hàng TMCP Bản Việt"),
    Bank(bin="970452", code="KLB", short_name="Kienlongbank", name="Ngân hàng TMCP Kiên Long"),
    Bank(
        bin="970400",
        code="SGICB",
        short_name="Saigonbank",
        name="Ngân hàng TMCP Sài Gòn Công Thương",
    ),
    Bank(bin="970427", code="VAB", short_name="VietABank", name="Ngân hàng TMCP Việt Á"),
    Bank(
        bin="970430",
        code="PGB",
        short_name="PGBank",
        name="Ngân hàng TMCP Thịnh vượng và Phát triển",
    ),
    Bank(
        bin="970446", code="COOPBANK", short_name="Co-opBank", name="Ngân hàng Hợp tác xã Việt Nam"
    ),
    Bank(
        bin="970424",
        code="SHBVN",
        short_name="Shinhan Bank",
        name="Ngân hàng TNHH MTV Shinhan Việt Nam",
    ),
)

_BY_BIN = {bank.bin: bank for bank in BANKS}
_BY_CODE = {bank.code: bank for bank in BANKS}


def bank_by_bin(bin_: str) -> Bank | None:
    """The bank with NAPAS BIN ``bin_``, or None."""
    return _BY_BIN.get(bin_)


def bank_by_code(code: str) -> Bank | None:
    """The bank with short code ``code`` (case-insensitive), or None."""
    return _BY_CODE.get(code.upper())
