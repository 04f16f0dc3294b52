"""The columns of a record import: the English codes (DESIGN.md "Catalogue and records") and the
national 双公示 headers in Chinese as departments already send them (``data/shuanggongshi.md``).

Every other header is kept under its own text: a record type's fields are columns named by the
field's name (or label); national columns the type does not carry are read and not kept.
"""
from credit_platform.importing.files import Columns

CORE = (
    "identifier", "name", "kind", "record_type", "decision_number", "decided_on", "severity", "basis", "valid_until",
)
OPTIONAL = (
    "identifier", "id_number", "kind", "subject_kind", "record_type", "severity", "domain", "basis", "valid_until",
    "consent_reference", "status", "publicity_until", "penalty_category",
)
# The national 双公示 data items (2021 revision), licensing and penalty, and a few usual spellings.
NATIONAL = {
    # who
    "行政相对人名称": "name", "行政相对人类别": "subject_kind", "统一社会信用代码": "identifier", "证件号码": "id_number",
    "证件类型": "id_type", "法定代表人": "legal_representative", "法定代表人证件类型": "legal_representative_id_type",
    "法定代表人证件号码": "legal_representative_id", "数据来源单位": "source_department",
    "数据来源单位统一社会信用代码": "source_department_uscc", "备注": "remarks",
    # licensing
    "行政许可决定文书名称": "decision_document_name", "行政许可决定文书号": "decision_number", "许可类别": "licence_category",
    "许可证书名称": "licence_name", "许可编号": "licence_number", "许可内容": "licence_content", "许可决定日期": "decided_on",
    "有效期自": "valid_from", "有效期至": "valid_until", "许可机关": "authority", "许可机关统一社会信用代码": "authority_uscc",
    "当前状态": "status",
    # penalty
    "行政处罚决定书文号": "decision_number", "违法行为类型": "violation", "违法事实": "facts", "处罚依据": "basis",
    "处罚类别": "penalty_category", "处罚内容": "penalty_content", "罚款金额（万元）": "fine_amount", "罚款金额(万元)": "fine_amount",
    "没收违法所得、没收非法财物的金额（万元）": "confiscated_amount", "暂扣或吊销证照名称及编号": "suspended_licence",
    "处罚决定日期": "decided_on", "处罚有效期": "penalty_valid_until", "公示截止期": "publicity_until", "处罚机关": "authority",
    "处罚机关统一社会信用代码": "authority_uscc",
    # the English contract's columns in Chinese
    "信息类别": "record_type", "目录项": "record_type", "主体类型": "kind", "名称": "name", "姓名": "name",
    "决定文号": "decision_number", "决定日期": "decided_on", "严重程度": "severity", "失信程度": "severity", "领域": "domain",
    "依据": "basis", "法律依据": "basis", "书面同意编号": "consent_reference", "授权书编号": "consent_reference",
}


class RecordColumns(Columns):
    """The header needs a name, a decision number and date, and an identifier (a USCC or an ID number column)."""

    def missing(self, found: dict) -> list:
        missing = super().missing(found)
        if "identifier" not in found and "id_number" not in found:
            missing.insert(0, "identifier")
        return missing


RECORD_COLUMNS = RecordColumns(required=("name", "decision_number", "decided_on"), optional=OPTIONAL, aliases=NATIONAL, keep_others=True)
