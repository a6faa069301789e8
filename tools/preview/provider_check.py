"""What pulumi-aws's `Check` does to a resource's inputs before the engine hands them to a pack.

The engine calls the provider's Check on every registration and analyzes what it returns
(pulumi/pulumi `pkg/resource/deploy/step_generator.go`, `continueStepsFromImport`). For
pulumi-aws (a Terraform-bridged provider) Check adds, in this order:

- `region` from the provider config, on every resource whose schema has a `region` input
  (pulumi-aws `provider/region.go`, `applyRegion`);
- `tagsAll` = the provider's `defaultTags.tags` merged with `tags`, minus `ignoreTags`, `{}` when
  empty and unknown when any of them is unknown, on resources with a `tags` input and a
  `tagsAll` output (pulumi-aws `provider/tags.go`, `applyTags`; `provider/autonaming.go`,
  `hasNonComputedTagsAndTagsAll`);
- the autoname `<logical name>-<7 random hex>` for an unset `name` input (255 characters unless a
  resource overrides it; pulumi-aws `provider/autonaming.go`, `setAutonaming`, and
  `provider/resource_overrides.go`); a name longer than the limit fails Check
  (pulumi/pulumi `sdk/go/common/resource`, `NewUniqueHex`);
- Terraform schema defaults, except falsy ones (pulumi-terraform-bridge `pkg/tfbridge/schema.go`,
  `applyDefaults`, `shouldSuppressTFSchemaDefaultValue`): `SCHEMA_DEFAULTS` below, limited to the
  properties a pack is likely to read.

Which types have `name`, `region`, `tags` and `tagsAll` is read from the installed pulumi_aws
SDK, which is generated from the same schema. The random hex is derived from the URN, so a
preview's output is reproducible.
"""

from __future__ import annotations

import importlib
import json
import keyword
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tools.preview.identifiers import UNKNOWN, short_hex


class CheckFailure(Exception):
    """The provider's Check refuses the inputs (as `pulumi preview` would fail on them)."""


@dataclass(frozen=True)
class AutoName:
    """How a resource type is auto-named: the property, its maximum length, and a transform."""

    field: str = "name"
    max_length: int = 255
    fifo_flag: str | None = None
    prefix: str = ""
    lower: bool = False


# pulumi-aws provider/resource_overrides.go (and provider/aliases.go for target groups).
AUTONAME_OVERRIDES: Mapping[str, AutoName] = {
    # "aws_sqs_queue": Maxlen 80, PostTransform appends ".fifo" when fifoQueue is true.
    "aws:sqs/queue:Queue": AutoName(max_length=80, fifo_flag="fifoQueue"),
    # "aws_sns_topic": Maxlen 80, PostTransform appends ".fifo" when fifoTopic is true.
    "aws:sns/topic:Topic": AutoName(max_length=80, fifo_flag="fifoTopic"),
    # "aws_cloudwatch_event_rule": AutoName("name", 64, "-").
    "aws:cloudwatch/eventRule:EventRule": AutoName(max_length=64),
    # "aws_cloudwatch_event_target": AutoName("targetId", 255, "-").
    "aws:cloudwatch/eventTarget:EventTarget": AutoName(field="targetId"),
    # "aws_iam_role": AutoName("name", 64, "-").
    "aws:iam/role:Role": AutoName(max_length=64),
    # "aws_lambda_function": "function_name": AutoName("name", 64, "-").
    "aws:lambda/function:Function": AutoName(max_length=64),
    # "aws_lambda_permission": AutoName("statementId", 100, "-").
    "aws:lambda/permission:Permission": AutoName(field="statementId", max_length=100),
    # "aws_kms_alias": Maxlen 238, PostTransform prefixes "alias/".
    "aws:kms/alias:Alias": AutoName(max_length=238, prefix="alias/"),
    # "aws_s3_bucket": AutoNameTransform("bucket", 63, strings.ToLower).
    "aws:s3/bucket:Bucket": AutoName(field="bucket", max_length=63, lower=True),
    "aws:s3/bucketV2:BucketV2": AutoName(field="bucket", max_length=63, lower=True),
    # provider/aliases.go "aws_lb_target_group": AutoName("name", 32, "-").
    "aws:lb/targetGroup:TargetGroup": AutoName(max_length=32),
    "aws:alb/targetGroup:TargetGroup": AutoName(max_length=32),
}

# Types the provider does not auto-name although they have a `name` input.
NOT_AUTONAMED = frozenset(
    {
        # resource_overrides.go "aws_route53_record": the name is the DNS record's domain name.
        "aws:route53/record:Record",
    }
)

SCHEMA_DEFAULTS: Mapping[str, Mapping[str, Any]] = {
    # terraform-provider-aws internal/service/lambda/function.go: memory_size Default 128,
    # timeout Default 3, reserved_concurrent_executions Default -1, package_type Default Zip.
    "aws:lambda/function:Function": {
        "memorySize": 128,
        "timeout": 3,
        "reservedConcurrentExecutions": -1,
        "packageType": "Zip",
    },
    # internal/service/sqs/queue.go (queueSchema): visibility_timeout_seconds Default 30,
    # message_retention_seconds Default 345600, max_message_size Default 262144.
    "aws:sqs/queue:Queue": {
        "visibilityTimeoutSeconds": 30,
        "messageRetentionSeconds": 345600,
        "maxMessageSize": 262144,
    },
    # internal/service/cloudwatch/metric_alarm.go: treat_missing_data Default "missing",
    # actions_enabled Default true.
    "aws:cloudwatch/metricAlarm:MetricAlarm": {
        "treatMissingData": "missing",
        "actionsEnabled": True,
    },
    # internal/service/kms/key.go: key_usage Default ENCRYPT_DECRYPT, customer_master_key_spec
    # Default SYMMETRIC_DEFAULT, is_enabled Default true.
    "aws:kms/key:Key": {
        "keyUsage": "ENCRYPT_DECRYPT",
        "customerMasterKeySpec": "SYMMETRIC_DEFAULT",
        "isEnabled": True,
    },
    # internal/service/dynamodb/table.go: billing_mode Default PROVISIONED.
    "aws:dynamodb/table:Table": {"billingMode": "PROVISIONED"},
    # internal/service/events/rule.go: event_bus_name Default "default", state Default ENABLED.
    "aws:cloudwatch/eventRule:EventRule": {"eventBusName": "default", "state": "ENABLED"},
    # internal/service/events/target.go: event_bus_name Default "default".
    "aws:cloudwatch/eventTarget:EventTarget": {"eventBusName": "default"},
    # pulumi-aws resource_overrides.go "aws_security_group": description Default managedByPulumi.
    "aws:ec2/securityGroup:SecurityGroup": {"description": "Managed by Pulumi"},
}


@dataclass(frozen=True, kw_only=True)
class ProviderConfig:
    """The parts of an aws provider's config that Check reads."""

    region: str | None = None
    default_tags: Mapping[str, Any] | None = None
    ignore_keys: tuple[str, ...] = ()
    ignore_prefixes: tuple[str, ...] = ()
    unknown: bool = False

    @classmethod
    def from_inputs(cls, inputs: Mapping[str, Any]) -> ProviderConfig:
        """From a provider's inputs (explicit provider) or its `aws:*` config (default
        provider); object-valued config arrives as a JSON string either way."""
        default_tags = _json_object(inputs.get("defaultTags"))
        ignore = _json_object(inputs.get("ignoreTags"))
        region = inputs.get("region")
        unknown = any(value == UNKNOWN for value in (region, default_tags, ignore))
        tags = default_tags.get("tags") if isinstance(default_tags, Mapping) else None
        return cls(
            region=region if isinstance(region, str) and region != UNKNOWN else None,
            default_tags=tags if isinstance(tags, Mapping) else None,
            ignore_keys=_strings(ignore.get("keys") if isinstance(ignore, Mapping) else None),
            ignore_prefixes=_strings(
                ignore.get("keyPrefixes") if isinstance(ignore, Mapping) else None
            ),
            unknown=unknown or _contains_unknown(tags),
        )


def _json_object(value: Any) -> Any:
    if isinstance(value, str) and value != UNKNOWN:
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _contains_unknown(value: Any) -> bool:
    if isinstance(value, Mapping):
        return any(_contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(_contains_unknown(v) for v in value)
    return value == UNKNOWN


@dataclass(frozen=True)
class _Schema:
    inputs: frozenset[str]
    has_tags_all: bool


_SCHEMAS: dict[str, _Schema | None] = {}


def _schema(type_token: str) -> _Schema | None:
    """Input properties and `tagsAll` of an aws type (read once per process)."""
    if type_token not in _SCHEMAS:
        _SCHEMAS[type_token] = _read_schema(type_token)
    return _SCHEMAS[type_token]


def schema_snapshot() -> dict[str, Any]:
    """The schemas read so far, as JSON data: a cache of them is valid for as long as the same
    provider SDK version is installed (`preload_schemas`)."""
    return {
        token: None
        if schema is None
        else {"inputs": sorted(schema.inputs), "tagsAll": schema.has_tags_all}
        for token, schema in sorted(_SCHEMAS.items())
    }


def preload_schemas(snapshot: Mapping[str, Any]) -> None:
    """Schemas from a `schema_snapshot` taken with the same provider SDK version, so that
    reading them needs no import of the SDK's modules (seconds for the large ones)."""
    for token, schema in snapshot.items():
        _SCHEMAS.setdefault(
            token,
            None
            if schema is None
            else _Schema(inputs=frozenset(schema["inputs"]), has_tags_all=bool(schema["tagsAll"])),
        )


def _read_schema(type_token: str) -> _Schema | None:
    """Input properties and `tagsAll` of an aws type, from its generated Python SDK class."""
    try:
        package, module_path, class_name = type_token.split(":")
    except ValueError:
        return None
    module_name = module_path.split("/")[0]
    if keyword.iskeyword(module_name):
        module_name += "_"
    try:
        module = importlib.import_module(f"pulumi_{package}.{module_name}")
    except ImportError:
        return None
    resource_class = getattr(module, class_name, None)
    args_class = getattr(module, f"{class_name}Args", None)
    if resource_class is None or args_class is None:
        return None
    inputs = frozenset(
        _camel(name) for name, value in vars(args_class).items() if isinstance(value, property)
    )
    tags_all = isinstance(vars(resource_class).get("tags_all"), property)
    return _Schema(inputs=inputs, has_tags_all=tags_all)


def _camel(snake: str) -> str:
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def check(
    type_token: str, urn: str, inputs: Mapping[str, Any], provider: ProviderConfig
) -> dict[str, Any]:
    """The inputs pulumi-aws's Check returns for a new custom resource (plain wire values,
    unknowns as the `UNKNOWN` sentinel). CheckFailure when the provider would refuse them."""
    checked = dict(inputs)
    if not type_token.startswith("aws:"):
        return checked
    schema = _schema(type_token)
    if schema is None:
        return checked
    if "region" in schema.inputs and checked.get("region") is None:
        checked["region"] = UNKNOWN if provider.unknown else provider.region
        if checked["region"] is None:
            del checked["region"]
    if schema.has_tags_all and "tags" in schema.inputs:
        checked["tagsAll"] = _tags_all(checked.get("tags"), provider)
    _autoname(type_token, urn, schema, checked)
    for key, value in SCHEMA_DEFAULTS.get(type_token, {}).items():
        if checked.get(key) is None:
            checked[key] = value
    return checked


def _tags_all(tags: Any, provider: ProviderConfig) -> Any:
    if provider.unknown or _contains_unknown(tags):
        return UNKNOWN
    merged = {**(provider.default_tags or {}), **(tags if isinstance(tags, Mapping) else {})}
    return {
        key: value
        for key, value in merged.items()
        if key not in provider.ignore_keys
        and not any(key.startswith(prefix) for prefix in provider.ignore_prefixes)
    }


def _autoname(type_token: str, urn: str, schema: _Schema, checked: dict[str, Any]) -> None:
    rule = AUTONAME_OVERRIDES.get(type_token, AutoName())
    if type_token in NOT_AUTONAMED or rule.field not in schema.inputs:
        return
    if checked.get(rule.field) is not None or checked.get(f"{rule.field}Prefix") is not None:
        return  # given, or Terraform derives it from the prefix
    logical = urn.rsplit("::", 1)[-1]
    prefix = f"{logical}-"
    if len(prefix) + 7 > rule.max_length:
        raise CheckFailure(
            f"{urn}: name '{prefix}' plus 7 random chars is longer than maximum length "
            f"{rule.max_length} (set {rule.field} explicitly or shorten the resource name)"
        )
    name = f"{prefix}{short_hex(urn)}"
    if rule.lower:
        name = name.lower()
    if rule.fifo_flag and checked.get(rule.fifo_flag) is True:
        name += ".fifo"
    if rule.prefix and not name.startswith(rule.prefix):
        name = rule.prefix + name
    checked[rule.field] = name
