"""Table definitions with portable column types (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from flexloop.store.types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Id = BigInteger().with_variant(Integer(), "sqlite")


def _ts(name: str, nullable: bool = True) -> Column[object]:
    return Column(name, UtcDateTime(), nullable=nullable)


mentions = Table(
    "mentions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(300), nullable=False, unique=True),
    Column("platform", String(40), nullable=False),
    Column("native_id", String(255), nullable=False),
    Column("author_handle", String(255), nullable=False),
    _ts("author_account_created"),
    Column("author_followers", Integer, nullable=False, default=0),
    Column("text", Text, nullable=False),
    _ts("created_at", nullable=False),
    Column("country", String(8)),
    Column("url", Text),
    Column("in_reply_to", String(255)),
    Column("product_hints", JSON, nullable=False, default=list),
    Column("metrics", JSON, nullable=False, default=dict),
    Column("analyzed", Boolean, nullable=False, default=False),
    Index("ix_mentions_pending", "analyzed", "created_at"),
    Index("ix_mentions_author", "author_handle"),
)

analyses = Table(
    "analyses",
    metadata,
    Column("mention_id", Id, ForeignKey("mentions.id"), primary_key=True),
    Column("lang", String(8), nullable=False),
    Column("sentiment", String(16), nullable=False),
    Column("sentiment_confidence", Float, nullable=False),
    Column("complaint", Boolean, nullable=False),
    Column("issue_type", String(32), nullable=False),
    Column("intent", String(32), nullable=False),
    Column("authenticity", String(32), nullable=False),
    Column("safety_risk", Boolean, nullable=False),
    Column("product", String(64), nullable=False),
    Column("country", String(8), nullable=False),
    Column("entities", JSON, nullable=False, default=dict),
    Column("evidence", JSON, nullable=False, default=dict),
    Column("incident_id", String(64)),
    Index("ix_analyses_incident", "incident_id"),
)

orders = Table(
    "orders",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("customer_handle", String(255), nullable=False),
    Column("sku", String(64), nullable=False),
    Column("qty", Integer, nullable=False),
    Column("country", String(8), nullable=False),
    Column("warehouse", String(64), nullable=False),
    Column("carrier", String(64), nullable=False),
    Column("lane", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    _ts("created_at", nullable=False),
    Column("promised_by", Date),
    Column("value", Float, nullable=False),
    Column("currency", String(3), nullable=False),
    Index("ix_orders_customer", "customer_handle"),
    Index("ix_orders_scope", "sku", "status", "lane"),
)

shipment_events = Table(
    "shipment_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(400), nullable=False, unique=True),
    Column("tracking_number", String(64), nullable=False),
    Column("order_id", String(64)),
    Column("carrier", String(64), nullable=False),
    Column("lane", String(64), nullable=False),
    Column("status", String(24), nullable=False),
    _ts("at", nullable=False),
    Column("revised_delivery", Date),
    Column("temperature_c", Float),
    Index("ix_shipment_events_order", "order_id"),
    Index("ix_shipment_events_lane_at", "lane", "at"),
)

warehouses = Table(
    "warehouses",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("country", String(8), nullable=False),
    Column("stock", JSON, nullable=False, default=dict),
    Column("daily_capacity", Integer, nullable=False),
    Column("temperature_control", Boolean, nullable=False, default=False),
    Column("cost_per_order", Float, nullable=False, default=3.0),
    Column("transit_days", Float, nullable=False, default=2.0),
)

carriers = Table(
    "carriers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("lanes", JSON, nullable=False, default=list),
    Column("cost_per_order", Float, nullable=False),
    Column("transit_days", Float, nullable=False),
    Column("daily_capacity", Integer, nullable=False),
    Column("kg_co2e_per_tkm", Float, nullable=False),
    Column("backup", Boolean, nullable=False, default=False),
    Column("mode", String(16), nullable=False, default="road"),
)

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("file", Text, nullable=False),
    Column("line", Integer, nullable=False),
    Column("raw", Text, nullable=False),
    Column("reason", Text, nullable=False),
    _ts("at", nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("type", String(32), nullable=False),
    _ts("at", nullable=False),
    _ts("recorded_at", nullable=False),
    Column("trace_id", String(64), nullable=False),
    Column("incident_id", String(64)),
    Column("subject", String(128), nullable=False, default=""),
    Column("payload", JSON, nullable=False, default=dict),
    Index("ix_events_trace", "trace_id"),
    Index("ix_events_type_at", "type", "at"),
)

incidents = Table(
    "incidents",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("issue_type", String(32), nullable=False),
    Column("product", String(64), nullable=False),
    Column("trace_id", String(64), nullable=False),
    Column("tier", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    _ts("opened_at", nullable=False),
    _ts("alerted_at"),
    Column("state", JSON, nullable=False, default=dict),
)

plans = Table(
    "plans",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("incident_id", String(64), nullable=False),
    Column("trace_id", String(64), nullable=False),
    Column("playbook", String(64), nullable=False),
    _ts("created_at", nullable=False),
    Column("body", JSON, nullable=False, default=dict),
)

approvals = Table(
    "approvals",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("trace_id", String(64), nullable=False),
    Column("incident_id", String(64)),
    Column("plan_id", String(64)),
    Column("mention_id", Id),
    Column("status", String(16), nullable=False),
    _ts("created_at", nullable=False),
    _ts("decided_at"),
    Column("decided_by", String(128)),
    _ts("executed_at"),
    Column("body", JSON, nullable=False, default=dict),
    Column("result", JSON, nullable=False, default=dict),
    Index("ix_approvals_status", "status", "kind"),
)

sla_clocks = Table(
    "sla_clocks",
    metadata,
    Column("mention_id", Id, primary_key=True),
    Column("trace_id", String(64), nullable=False),
    Column("policy", String(16), nullable=False),
    _ts("started_at", nullable=False),
    _ts("due_at", nullable=False),
    _ts("warned_at"),
    _ts("stopped_at"),
    Column("outcome", String(16)),
    Index("ix_sla_open", "outcome", "due_at"),
)

corrections = Table(
    "corrections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("mention_id", Id, nullable=False),
    Column("task", String(16), nullable=False),
    Column("label", String(32), nullable=False),
    Column("by", String(128), nullable=False),
    _ts("at", nullable=False),
)

state = Table(
    "detector_state",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("body", JSON, nullable=False, default=dict),
    _ts("updated_at", nullable=False),
)
