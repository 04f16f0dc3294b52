"""The columns of a list import; reading the file is the core's (``credit_platform.importing.files``)."""
from credit_platform.importing.files import (
    Columns,
    FileInfo,
    detect_encoding,
    detect_format,
)
from credit_platform.importing.files import inspect_file as _inspect_file

COLUMNS = ("identifier", "name", "kind", "list_type", "severity", "domain", "basis", "decision_number", "decided_on")
# Columns a file may have: the decision's content. A decided list from the authority that decided it
# often has none (that authority served its own notice), so an imported black entry may lack them.
OPTIONAL_COLUMNS = ("facts", "exit_conditions", "remedies")

# Header spellings besides the column codes (case, spaces and hyphens are ignored too); the
# Chinese ones are those of the Excel export, so an exported file can be imported back.
HEADER_ALIASES = {
    "统一社会信用代码/身份证号码": "identifier", "统一社会信用代码": "identifier", "身份证号码": "identifier",
    "身份证号": "identifier", "证件号码": "identifier", "代码": "identifier",
    "名称": "name", "姓名": "name", "主体名称": "name", "名称/姓名": "name",
    "主体类型": "kind", "类型": "kind",
    "名单": "list_type", "名单类型": "list_type",
    "失信程度": "severity", "严重程度": "severity", "程度": "severity",
    "领域": "domain",
    "认定依据": "basis", "依据": "basis", "法律依据": "basis",
    "决定文号": "decision_number", "文书号": "decision_number", "文号": "decision_number", "执行案号": "decision_number",
    "决定日期": "decided_on", "认定日期": "decided_on",
    "失信事实": "facts", "认定事实": "facts", "违法事实": "facts", "事实": "facts",
    "移出条件": "exit_conditions", "退出条件": "exit_conditions", "移出条件和程序": "exit_conditions",
    "救济途径": "remedies", "权利救济": "remedies", "救济方式": "remedies",
}
LIST_COLUMNS = Columns(required=COLUMNS, aliases=HEADER_ALIASES, optional=OPTIONAL_COLUMNS)


def inspect_file(fileobj, name: str) -> FileInfo:
    """Format, encoding, delimiter and the header row's columns; ``ValidationError`` on ``file`` if unusable."""
    return _inspect_file(fileobj, name, LIST_COLUMNS)


__all__ = ["COLUMNS", "HEADER_ALIASES", "LIST_COLUMNS", "FileInfo", "detect_encoding", "detect_format", "inspect_file"]
