"""Cases for the KMS rules."""

from __future__ import annotations

import json

from tests.policies.harness import UNKNOWN_BOOL, UNKNOWN_STRING, Case, res

KEY = "aws:kms/key:Key"
KEY_POLICY = "aws:kms/keyPolicy:KeyPolicy"
ROLE = "aws:iam/role:Role"
POLICY = "aws:iam/policy:Policy"
ROOT = "arn:aws:iam::123456789012:root"
KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/1111"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


ADMIN = {
    "Sid": "Root",
    "Effect": "Allow",
    "Principal": {"AWS": ROOT},
    "Action": "kms:*",
    "Resource": "*",
}
PUBLIC = {"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}
ACCOUNT_SCOPED = {**PUBLIC, "Condition": {"StringEquals": {"kms:CallerAccount": "123456789012"}}}
GOOD_KEY = {
    "description": "orders queue encryption",
    "enableKeyRotation": True,
    "deletionWindowInDays": 30,
    "policy": doc(ADMIN),
}


def key(name: str, **changes: object) -> object:
    inputs = {**GOOD_KEY, **changes}
    return res(KEY, name, {k: v for k, v in inputs.items() if v is not None})


def iam_policy(name: str, statement: dict) -> object:
    return res(POLICY, name, {"policy": doc(statement)})


_rot = "kms-key-rotation-enabled"
_pub = "kms-key-policy-no-public-principal"
_dec = "iam-policy-no-kms-decrypt-on-all-keys"

CASES = [
    Case.passes(_rot, key("rotating")),
    Case.passes(
        _rot,
        key(
            "asymmetric",
            enableKeyRotation=None,
            customerMasterKeySpec="RSA_2048",
            keyUsage="SIGN_VERIFY",
        ),
    ),
    Case.passes(_rot, key("rotation-unknown", enableKeyRotation=UNKNOWN_BOOL)),
    Case.fails(_rot, key("default-off", enableKeyRotation=None)),
    Case.fails(_rot, key("off", enableKeyRotation=False)),
    Case.passes(_pub, key("account-only")),
    Case.passes(_pub, key("caller-account", policy=doc(ADMIN, ACCOUNT_SCOPED))),
    Case.passes(_pub, key("policy-unknown", policy=UNKNOWN_STRING)),
    Case.fails(_pub, key("star-string", policy=doc(ADMIN, PUBLIC))),
    Case.fails(
        _pub, key("star-aws-dict", policy={"Statement": [{**PUBLIC, "Principal": {"AWS": "*"}}]})
    ),
    Case.fails(_pub, res(KEY_POLICY, "separate", {"keyId": "k", "policy": doc(PUBLIC)})),
    Case.passes("kms-key-policy-explicit", key("explicit")),
    Case.passes("kms-key-policy-explicit", key("unknown-policy", policy=UNKNOWN_STRING)),
    Case.fails("kms-key-policy-explicit", key("default-policy", policy=None)),
    Case.passes("kms-key-enabled", key("enabled", isEnabled=True)),
    Case.passes("kms-key-enabled", key("default-enabled")),
    Case.fails("kms-key-enabled", key("disabled", isEnabled=False)),
    Case.passes("kms-key-deletion-window", key("thirty")),
    Case.passes("kms-key-deletion-window", key("unset", deletionWindowInDays=None)),
    Case.fails("kms-key-deletion-window", key("five", deletionWindowInDays=5)),
    Case.passes("kms-key-no-bypass-policy-lockout-check", key("safe")),
    Case.fails(
        "kms-key-no-bypass-policy-lockout-check", key("bypass", bypassPolicyLockoutSafetyCheck=True)
    ),
    Case.passes("kms-key-description", key("described")),
    Case.fails("kms-key-description", key("blank", description="  ")),
    Case.fails("kms-key-description", key("missing", description=None)),
    Case.passes(
        _dec,
        iam_policy("one-key", {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY_ARN}),
    ),
    Case.passes(
        _dec, iam_policy("deny-all", {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"})
    ),
    Case.fails(
        _dec, iam_policy("star", {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    ),
    Case.fails(
        _dec,
        iam_policy(
            "all-keys-arn",
            {
                "Effect": "Allow",
                "Action": ["kms:ReEncrypt*"],
                "Resource": "arn:aws:kms:*:123456789012:key/*",
            },
        ),
    ),
    Case.fails(
        _dec,
        res(
            ROLE,
            "inline",
            {
                "assumeRolePolicy": doc(),
                "inlinePolicies": [
                    {
                        "name": "k",
                        "policy": doc({"Effect": "Allow", "Action": "kms:*", "Resource": ["*"]}),
                    }
                ],
            },
        ),
    ),
]
