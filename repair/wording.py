"""The public's words (Chinese: the public site is Chinese only) for what the platform answers a
public repair application whose entry refuses it once it is filed: the reasons the receipt holder
reads as the application's refusal reason (``repair.services.repair_apply``, public channel)."""
import datetime

from django.utils import timezone

from lists import labels

ALREADY_LIVE = "该信息已有正在办理的信用修复申请，本申请不予受理；请凭原申请的受理回执号查询办理进度。"
TRAINING_MISSING = "严重失信主体申请信用修复，须提交信用修复培训证明或信用报告；请补齐材料后重新申请。"


def _what(entry) -> str:
    """失信信息 for a list entry or a dishonesty record, 行政处罚信息 for a penalty record."""
    record_type = getattr(entry, "record_type", None)
    return "行政处罚信息" if record_type is not None and record_type.kind == "penalty" else "失信信息"


def ineligibility_in_chinese(entry, eligible_from: datetime.date | None) -> list[str]:
    """Why ``entry`` (a list entry or a penalty record) cannot be repaired now, in the public's words (the service's reasons are the record)."""
    reasons = []
    today = timezone.localdate()
    rules = entry.rule_set
    if entry.repair_possible_from is not None and today < entry.repair_possible_from:  # none for a red entry
        reasons.append(
            f"依据{rules.name}，{labels.label(labels.SEVERITY, entry.severity)}{_what(entry)}的最短公示期为 "
            f"{rules.months(entry.severity, 'min')} 个月，自决定之日（{entry.decided_on:%Y年%m月%d日}）起计算，"
            f"至 {entry.repair_possible_from:%Y年%m月%d日} 届满。"
        )
    if eligible_from and entry.repair_possible_from is not None and eligible_from > entry.repair_possible_from:
        reasons.append("该主体存在提供虚假材料或违反信用承诺的记录，限制申请期内不予受理信用修复申请。")
    if eligible_from:
        reasons.append(f"可于 {eligible_from:%Y年%m月%d日} 起申请信用修复。")
    else:
        reasons.append("该信息依规定不予修复，或已不在公示名单或公示期内。")
    return reasons
