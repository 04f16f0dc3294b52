"""Chinese wording of the lists' codes, for what is Chinese-only: the public credit website, the
Excel export, and the Chinese spellings the importer accepts besides the English codes.

The admin and the API keep using the models' gettext labels (Chinese or English by language).
"""
from credit_platform.domains import Domain, ListType
from credit_platform.models import SubjectKind
from lists.models import EntryState, Severity

LIST_TYPE = {
    ListType.RED: "守信红名单",
    ListType.BLACK: "失信黑名单",
    ListType.WATCH: "重点关注名单",
}
SEVERITY = {
    Severity.MINOR: "轻微",
    Severity.GENERAL: "一般",
    Severity.SEVERE: "严重",
}
KIND = {
    SubjectKind.LEGAL_PERSON: "法人",
    SubjectKind.OTHER_ORG: "非法人组织",
    SubjectKind.INDIVIDUAL_BUSINESS: "个体工商户",
    SubjectKind.NATURAL_PERSON: "自然人",
}
DOMAIN = {
    Domain.JUDICIAL: "拒不履行法院判决（失信被执行人）",
    Domain.TAX: "税收",
    Domain.ENVIRONMENT: "环境保护",
    Domain.LABOUR: "劳动保障与拖欠工资",
    Domain.WORK_SAFETY: "安全生产",
    Domain.FOOD_DRUG: "食品药品安全",
    Domain.CONSTRUCTION: "工程建设质量",
    Domain.FIRE_SAFETY: "消防安全",
    Domain.MARKET: "市场秩序（欺诈、虚假广告、传销）",
    Domain.PROCUREMENT: "招标投标与政府采购",
    Domain.FINANCE: "金融（非法集资、恶意逃废债务）",
    Domain.INTERNET_FRAUD: "电信网络诈骗",
    Domain.ILLEGAL_FUNDRAISING: "非法集资",
    Domain.COUNTERFEIT_VACCINES: "假劣疫苗",
    Domain.NATIONAL_DEFENCE: "拒不履行国防义务",
    Domain.CIVILIZATION: "诚信典型与文明荣誉",
    Domain.OTHER: "其他",
}
STATE = {
    EntryState.PROPOSED: "拟列入",
    EntryState.NOTIFIED: "已告知",
    EntryState.PUBLISHED: "公示中",
    EntryState.WITHDRAWN: "已撤回",
    EntryState.SUSPENDED: "异议核查中",
    EntryState.REMOVED: "已移出",
}

# Extra spellings the importer accepts (the labels above are accepted too).
LIST_TYPE_ALIASES = {"红名单": ListType.RED, "黑名单": ListType.BLACK, "重点关注": ListType.WATCH, "失信名单": ListType.BLACK}
KIND_ALIASES = {"法人单位": SubjectKind.LEGAL_PERSON, "企业": SubjectKind.LEGAL_PERSON, "个人": SubjectKind.NATURAL_PERSON}
SEVERITY_ALIASES = {"严重失信": Severity.SEVERE, "一般失信": Severity.GENERAL, "轻微失信": Severity.MINOR}


def label(mapping: dict, code: str) -> str:
    """The Chinese label of ``code``, or the code itself for a value the table does not know."""
    return mapping.get(code, code)
