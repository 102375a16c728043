"""Closed vocabularies: the words every stage, file and JSON contract uses."""

from enum import StrEnum


class Sentiment(StrEnum):
    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class IssueType(StrEnum):
    LOGISTICS_DELAY = "logistics_delay"
    LOST_OR_DAMAGED = "lost_or_damaged"
    QUALITY_DEFECT = "quality_defect"
    PRODUCT_QUESTION = "product_question"
    CUSTOMER_SERVICE = "customer_service"
    BILLING_REFUND = "billing_refund"
    CULTURAL_SENSITIVITY = "cultural_sensitivity"
    SAFETY_RISK = "safety_risk"
    PRAISE = "praise"
    OTHER = "other"


LOGISTICS_ISSUES = frozenset({IssueType.LOGISTICS_DELAY, IssueType.LOST_OR_DAMAGED})
# Issue types that never open an incident: they are not problems to act on.
NON_INCIDENT_ISSUES = frozenset({IssueType.PRAISE, IssueType.OTHER})


class Intent(StrEnum):
    ORDER_STATUS = "order_status"
    RETURN_REFUND = "return_refund"
    CANCELLATION = "cancellation"
    DELIVERY_OPTIONS = "delivery_options"
    PRODUCT_QUESTION = "product_question"
    COMPLAINT = "complaint"
    PRAISE = "praise"
    OTHER = "other"


class Authenticity(StrEnum):
    VERIFIED_BUYER = "verified_buyer"
    UNVERIFIED = "unverified"
    SUSPECTED_COORDINATED = "suspected_coordinated"
    SUSPECTED_AI = "suspected_ai"


SUSPECTED = frozenset({Authenticity.SUSPECTED_COORDINATED, Authenticity.SUSPECTED_AI})


class Tier(StrEnum):
    NONE = "none"
    L1 = "L1"
    L2 = "L2"
    L3 = "L3"

    @property
    def rank(self) -> int:
        return ["none", "L1", "L2", "L3"].index(self.value)


class ActionType(StrEnum):
    HOLD = "hold"
    MOVE_TO_WAREHOUSE = "move_to_warehouse"
    SWITCH_CARRIER = "switch_carrier"
    PACKAGING_FLAG = "packaging_flag"
    PAUSE_PRODUCT = "pause_product"


class ShipmentStatus(StrEnum):
    """Normalised carrier tracking vocabulary (see PROTOCOLS.md for carrier mappings)."""

    LABEL_CREATED = "label_created"
    PICKED_UP = "picked_up"
    IN_TRANSIT = "in_transit"
    DELAYED = "delayed"
    EXCEPTION = "exception"
    CUSTOMS = "customs"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    RETURNED = "returned"
    LOST = "lost"


class OrderStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    ON_HOLD = "on_hold"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


UNSHIPPED = frozenset({OrderStatus.PENDING, OrderStatus.PROCESSING, OrderStatus.ON_HOLD})


class EventType(StrEnum):
    """Append-only event log vocabulary; KPIs are computed from these."""

    MENTION_INGESTED = "mention_ingested"
    ALERT_FIRED = "alert_fired"
    SPIKE_FIRED = "spike_fired"
    WARNING_FIRED = "warning_fired"
    ADVISORY_ISSUED = "advisory_issued"
    INCIDENT_OPENED = "incident_opened"
    INCIDENT_MERGED = "incident_merged"
    TIER_CHANGED = "tier_changed"
    PLAN_PROPOSED = "plan_proposed"
    ACTION_QUEUED = "action_queued"
    ACTION_APPROVED = "action_approved"
    ACTION_REJECTED = "action_rejected"
    ACTION_EXECUTED = "action_executed"
    REPLY_DRAFTED = "reply_drafted"
    REPLY_EDITED = "reply_edited"
    REPLY_APPROVED = "reply_approved"
    REPLY_REJECTED = "reply_rejected"
    REPLY_PUBLISHED = "reply_published"
    OWNER_NOTIFIED = "owner_notified"
    SLA_STARTED = "sla_started"
    SLA_WARNING = "sla_warning"
    SLA_MET = "sla_met"
    SLA_BREACHED = "sla_breached"
    SLA_VOIDED = "sla_voided"
    LABEL_CORRECTED = "label_corrected"
    FOLLOW_UP_POSITIVE = "follow_up_positive"


MAINSTREAM_PLATFORMS = ("tiktok", "instagram", "facebook", "x", "youtube")
