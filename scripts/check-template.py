"""Checks template.yaml's security properties on the real SAM translator's output.

cfn-lint and `sam validate` check shape; they do not notice, for example, a function URL with AuthType
NONE and no public invoke permission (unreachable), or a role that may read more than the one secret.
For each AdminAuthType this translates the template and asserts:
  - every function has a URL; a NONE URL has both public permissions (InvokeFunctionUrl with
    FunctionUrlAuthType NONE, InvokeFunction via the URL), an AWS_IAM URL has none;
  - admin-only functions follow AdminAuthType, the others stay NONE (members and visitors call them);
  - every function has a role of its own, which only Lambda may assume, with no managed policy (not even
    AWSLambdaBasicExecutionRole: it may write every log group of the account) and inline policies that
    allow exactly logs:CreateLogStream and logs:PutLogEvents on the function's own log group,
    secretsmanager:GetSecretValue on the WixSecretArn parameter and, for the functions that keep shared
    state, exactly their DynamoDB actions on the state table, limited (dynamodb:LeadingKeys) to keys
    starting with the function's name; no other IAM policies;
  - the state table is on-demand, keyed by pk (S), with TTL on expiration; STATE_TABLE points at it in
    exactly the functions that use it;
  - the functions that take an Idempotency-Key allow that header in their URL's CORS;
  - every function logs to its own log group with a retention, and has reserved concurrency (by default);
  - every function gets METRICS_NAMESPACE from the MetricsNamespace parameter; with an AlarmTopicArn, every
    function has a Throttles alarm, and the alarms on the functions' metrics (METRIC_ALARMS) exist; every
    alarm notifies the topic and exists only when AlarmTopicArn is set (and MetricsNamespace, for those on
    the functions' metrics).
Which function is admin-only, keeps which state, takes an Idempotency-Key or an Attestation-Token is not
listed here: it is read from openapi.yaml's operations (generated from the functions' code), one operation
`/<name>/` per function, whose SAM resource is the name in PascalCase:
  x-policy: Admin                     admin only (its URL follows AdminAuthType)
  x-idempotency: required | optional  takes an Idempotency-Key (absent: none)
  x-attestation: required | optional  takes an Attestation-Token (absent: none)
  x-state: records | limits           keeps shared state: RECORDS or LIMITS below (absent: none)
A template function without an operation, or an operation without a function, is a problem too.
Run by scripts/test with the project venv's python (it has the SAM translator through aws-sam-cli):
  python scripts/check-template.py [template.yaml] [--openapi openapi.yaml]
The document defaults to the openapi.yaml of this repository, so a mutated template elsewhere is checked
against the real one.
"""

import os
import sys

import yaml
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The actions of each kind of shared state in the state table (x-state): its key prefix is the function's
# name (as in its code and its Binary). Every action names one key, so the LeadingKeys condition always
# applies (a Scan or Query would satisfy ForAllValues with no keys at all).
RECORDS = {"dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"}  # idempotency records, budgets
LIMITS = {"dynamodb:UpdateItem"}  # per-member limits: one conditional counter update
STATE_KINDS = {"records": RECORDS, "limits": LIMITS}
POLICIES = {"AnyVisitor", "Member", "Admin", "AdminOrOwner"}
KEY_MODES = {"required", "optional"}  # x-idempotency, x-attestation
OPERATION_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
STATE_TABLE = {
    "BillingMode": "PAY_PER_REQUEST",
    "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
    "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
    "TimeToLiveSpecification": {"AttributeName": "expiration", "Enabled": True},
}
# The alarms on the functions' own metrics (Metrics Insights queries over MetricsNamespace): for each
# metric, a fragment its query must hold (what narrows it to the right functions or splits it by function).
METRIC_ALARMS = {
    "ServerErrors": "GROUP BY Function",
    "WixThrottled": "FROM SCHEMA(\"${MetricsNamespace}\", Function)",
    "WixServerErrors": "FROM SCHEMA(\"${MetricsNamespace}\", Function)",
    "AdminTokenMintFailures": "FROM SCHEMA(\"${MetricsNamespace}\", Function)",
    "CallerRefusals": "WHERE Policy = 'Admin'",
    "BudgetRefusals": "WHERE Function = 'upload-image'",
}
ALARM_CONDITIONS = {"HasAlarms", "HasMetricAlarms"}

# Functions with an attestation step (upload-image): the widget's token header must pass CORS, and the function
# must be told the provider and its mode, or a browser's upload could never carry the token.
ATTESTATION_VARS = {"ATTESTATION", "ATTESTATION_PROVIDER", "ATTESTATION_HOSTNAMES", "ATTESTATION_ACTION", "ATTESTATION_MIN_SCORE"}


def resource_name(function):
    """The SAM resource of a function: its kebab-case name in PascalCase (refund-order: RefundOrder)."""
    return "".join(part.capitalize() for part in function.split("-"))


class Declared:
    """What openapi.yaml says about the functions, by SAM resource name."""

    def __init__(self, openapi):
        self.names = {}  # resource: function name
        self.admin_only = set()  # x-policy Admin: the URL follows AdminAuthType
        self.state_users = {}  # x-state: resource -> (key prefix, exactly its actions)
        self.idempotency_key = set()  # x-idempotency: browsers send the header only if CORS allows it
        self.attested = set()  # x-attestation
        self.problems = []
        for path, item in (openapi.get("paths") or {}).items():
            operations = [op for method, op in (item or {}).items() if method in OPERATION_METHODS]
            if len(operations) != 1:
                self.problems.append(f"openapi {path}: {len(operations)} operations, expected one per function")
                continue
            self.declare(path, operations[0])

    def declare(self, path, op):
        name = op.get("operationId")
        if not isinstance(name, str) or path != f"/{name}/":
            self.problems.append(f"openapi {path}: operationId {name!r}, expected the path's function name")
            return
        resource = resource_name(name)
        self.names[resource] = name
        # An unknown value is a problem, never "none": a misspelt x-idempotency must not drop a CORS header.
        values = {
            "x-policy": POLICIES, "x-idempotency": KEY_MODES, "x-attestation": KEY_MODES, "x-state": STATE_KINDS.keys(),
        }
        for key, allowed in values.items():
            if key in op and op[key] not in allowed:
                self.problems.append(f"openapi {path}: {key} is {op[key]!r}, expected one of {sorted(allowed)}")
        if "x-policy" not in op:
            self.problems.append(f"openapi {path}: no x-policy")
        if op.get("x-policy") == "Admin":
            self.admin_only.add(resource)
        if op.get("x-state") in STATE_KINDS:
            self.state_users[resource] = (name, STATE_KINDS[op["x-state"]])
        if op.get("x-idempotency") in KEY_MODES:
            self.idempotency_key.add(resource)
        if op.get("x-attestation") in KEY_MODES:
            self.attested.add(resource)
        # Idempotency records and spent attestation tokens are conditional writes of whole items.
        for key in ("x-idempotency", "x-attestation"):
            if op.get(key) in KEY_MODES and op.get("x-state") != "records":
                self.problems.append(f"openapi {path}: {key} without x-state: records (its records need those actions)")


class ManagedPolicies:
    def load(self):
        return {"AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}


def resolve_auth(value, auth_type):
    return auth_type if value == {"Ref": "AdminAuthType"} else value


def as_list(value):
    return value if isinstance(value, list) else [value]


def is_secret_statement(s):
    return (
        s.get("Effect") == "Allow" and as_list(s.get("Action")) == ["secretsmanager:GetSecretValue"]
        and as_list(s.get("Resource")) == [{"Ref": "WixSecretArn"}]
        and s.keys() <= {"Effect", "Action", "Resource", "Sid"}
    )


LOG_WRITES = {"logs:CreateLogStream", "logs:PutLogEvents"}
LAMBDA_TRUST = [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]


def is_own_log_statement(s, log_group):
    # A log group's Arn attribute ends in ":*", which covers its streams and nothing beyond the group.
    return (
        s.get("Effect") == "Allow" and set(as_list(s.get("Action"))) == LOG_WRITES
        and as_list(s.get("Resource")) == [{"Fn::GetAtt": [log_group, "Arn"]}]
        and s.keys() <= {"Effect", "Action", "Resource", "Sid"}
    )


def state_statement_problems(s, prefix, allowed):
    """Why a statement is not "these DynamoDB actions on the state table, on keys `<prefix>#…` only"."""
    problems = []
    if s.get("Effect") != "Allow" or s.keys() - {"Effect", "Action", "Resource", "Condition", "Sid"}:
        problems.append("is not a plain Allow of Action on Resource with a Condition")
    actions = set(as_list(s.get("Action", [])))
    if not actions or not actions <= allowed:
        problems.append(f"allows {sorted(actions - allowed) or 'nothing'}, beyond {sorted(allowed)}")
    if as_list(s.get("Resource")) != [{"Fn::GetAtt": ["StateTable", "Arn"]}]:
        problems.append("is not on the state table's ARN alone")
    condition = s.get("Condition", {})
    keys = condition.get("ForAllValues:StringLike", {}).get("dynamodb:LeadingKeys")
    if condition.keys() != {"ForAllValues:StringLike"} or as_list(keys) != [f"{prefix}#*"]:
        problems.append(f"has condition {condition}, not ForAllValues:StringLike dynamodb:LeadingKeys [{prefix}#*]")
    return problems


def check(template_text, auth_type, declared):
    # The translator wants an S3 code location; the build method is irrelevant to these checks.
    template = yaml_parse(template_text.replace("    CodeUri: .\n", "    CodeUri: s3://bucket/code.zip\n"))
    out = transform(template, {"WixClientId": "x", "AdminAuthType": auth_type}, ManagedPolicies())
    resources = out["Resources"]
    conditions = {"AdminUrlsArePublic": auth_type == "NONE", "HasVisitorConcurrency": True, "HasOtherConcurrency": True}
    live = {k: v for k, v in resources.items() if conditions.get(v.get("Condition"), True)}
    functions = {k: v for k, v in live.items() if v["Type"] == "AWS::Lambda::Function"}
    problems = list(declared.problems)
    assert functions, "no functions"
    for name in sorted(declared.names.keys() - functions.keys()):
        problems.append(f"{name}: {declared.names[name]} is in openapi.yaml but not a function of the template")
    for name in sorted(functions.keys() - declared.names.keys()):
        problems.append(f"{name}: a function of the template without an operation in openapi.yaml (run scripts/openapi)")
    tables = sorted(k for k, v in live.items() if v["Type"] == "AWS::DynamoDB::Table")
    if tables != ["StateTable"]:
        problems.append(f"DynamoDB tables {tables}, expected exactly StateTable")
    table = live.get("StateTable", {}).get("Properties", {})
    for key, value in STATE_TABLE.items():
        if table.get(key) != value:
            problems.append(f"StateTable: {key} is {table.get(key)}, expected {value}")
    # The roles' inline policies are all they get: no policy resource may attach more to them.
    for key, value in live.items():
        if value["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy"):
            problems.append(f"{key}: separate {value['Type']}")
    for name, function in functions.items():
        props = function["Properties"]
        urls = [v for v in live.values() if v["Type"] == "AWS::Lambda::Url" and v["Properties"]["TargetFunctionArn"] == {"Ref": name}]
        if len(urls) != 1:
            problems.append(f"{name}: {len(urls)} function URLs")
            continue
        auth = resolve_auth(urls[0]["Properties"]["AuthType"], auth_type)
        expected = auth_type if name in declared.admin_only else "NONE"
        if auth != expected:
            problems.append(f"{name}: URL auth {auth}, expected {expected}")
        # The function trusts the event's IAM context only when told its URL is AWS_IAM.
        told = resolve_auth(props.get("Environment", {}).get("Variables", {}).get("FUNCTION_URL_AUTH"), auth_type)
        if told != auth:
            problems.append(f"{name}: FUNCTION_URL_AUTH is {told}, but its URL's auth type is {auth}")
        perms = [v["Properties"] for v in live.values() if v["Type"] == "AWS::Lambda::Permission" and v["Properties"]["FunctionName"] == {"Ref": name}]
        # Anyone may invoke a public function only through its URL, never with an event they wrote.
        if any(p["Action"] == "lambda:InvokeFunction" and p["Principal"] == "*" and not p.get("InvokedViaFunctionUrl") for p in perms):
            problems.append(f"{name}: a public lambda:InvokeFunction permission without InvokedViaFunctionUrl")
        public_url = any(p["Action"] == "lambda:InvokeFunctionUrl" and p["Principal"] == "*" and p.get("FunctionUrlAuthType") == "NONE" for p in perms)
        public_invoke = any(p["Action"] == "lambda:InvokeFunction" and p["Principal"] == "*" and p.get("InvokedViaFunctionUrl") for p in perms)
        if auth == "NONE" and not (public_url and public_invoke):
            problems.append(f"{name}: NONE URL without its public permissions (unreachable)")
        if auth == "AWS_IAM" and (public_url or public_invoke):
            problems.append(f"{name}: AWS_IAM URL with a public permission")
        headers = [h.lower() for h in urls[0]["Properties"].get("Cors", {}).get("AllowHeaders", [])]
        if name in declared.idempotency_key and "idempotency-key" not in headers:
            problems.append(f"{name}: takes an Idempotency-Key but its URL CORS does not allow the header")
        variables = set(props.get("Environment", {}).get("Variables", {}))
        if name in declared.attested and "attestation-token" not in headers:
            problems.append(f"{name}: takes an Attestation-Token but its URL CORS does not allow the header")
        if name in declared.attested and not ATTESTATION_VARS <= variables:
            problems.append(f"{name}: attestation settings missing: {sorted(ATTESTATION_VARS - variables)}")
        if name not in declared.attested and variables & (ATTESTATION_VARS | {"ATTESTATION_VERIFY_BASE"}):
            problems.append(f"{name}: attestation settings on a function without an attestation step")
        role_name = props.get("Role", {}).get("Fn::GetAtt", [None])[0]
        role = live.get(role_name, {}).get("Properties", {})
        if role_name != f"{name}Role" or live[role_name]["Type"] != "AWS::IAM::Role":
            problems.append(f"{name}: role is {props.get('Role')}, not its own {name}Role")
        if [k for k, v in functions.items() if v["Properties"].get("Role") == props.get("Role")] != [name]:
            problems.append(f"{name}: its role is shared with another function")
        if as_list(role.get("AssumeRolePolicyDocument", {}).get("Statement")) != LAMBDA_TRUST:
            problems.append(f"{name}: role may be assumed by more than Lambda: {role.get('AssumeRolePolicyDocument')}")
        statements = [s for policy in role.get("Policies", []) for s in as_list(policy["PolicyDocument"]["Statement"])]
        log_group = props.get("LoggingConfig", {}).get("LogGroup", {})
        own_logs = [s for s in statements if isinstance(log_group, dict) and is_own_log_statement(s, log_group.get("Ref"))]
        if len(own_logs) != 1:
            problems.append(f"{name}: role may not write its own log group {log_group} (exactly {sorted(LOG_WRITES)} on it)")
        rest = [s for s in statements if not is_secret_statement(s) and s not in own_logs]
        if len(rest) + len(own_logs) == len(statements):
            problems.append(f"{name}: role may not read WixSecretArn: {statements}")
        state_table = props.get("Environment", {}).get("Variables", {}).get("STATE_TABLE")
        if name in declared.state_users:
            prefix, allowed = declared.state_users[name]
            binary = function.get("Metadata", {}).get("BuildProperties", {}).get("Binary")
            if binary != prefix:
                problems.append(f"{name}: state key prefix {prefix} is not its binary name {binary}")
            if state_table != {"Ref": "StateTable"}:
                problems.append(f"{name}: STATE_TABLE is {state_table}, expected the state table")
            for s in rest:
                problems.extend(f"{name}: state statement {why}: {s}" for why in state_statement_problems(s, prefix, allowed))
            granted = {a for s in rest for a in as_list(s.get("Action", []))}
            if rest and granted != allowed:
                problems.append(f"{name}: role lacks {sorted(allowed - granted)} on the state table")
            if not rest:
                problems.append(f"{name}: role may not use the state table")
        else:
            if state_table is not None:
                problems.append(f"{name}: STATE_TABLE set, but it keeps no shared state")
            if rest:
                problems.append(f"{name}: role policy is not exactly GetSecretValue on WixSecretArn: {statements}")
        managed = role.get("ManagedPolicyArns", [])
        if managed or role.get("PermissionsBoundary"):
            problems.append(f"{name}: managed policies {managed} beside its own inline policy")
        if not (isinstance(log_group, dict) and "RetentionInDays" in live.get(log_group.get("Ref", ""), {}).get("Properties", {})):
            problems.append(f"{name}: no own log group with a retention")
        if "ReservedConcurrentExecutions" not in props:
            problems.append(f"{name}: no reserved concurrency")
        if props.get("Environment", {}).get("Variables", {}).get("METRICS_NAMESPACE") != {"Ref": "MetricsNamespace"}:
            problems.append(f"{name}: METRICS_NAMESPACE is not the MetricsNamespace parameter")
    problems.extend(alarm_problems(live, functions))
    return len(functions), problems


def alarm_problems(live, functions):
    """The alarms, as deployed with an AlarmTopicArn (the live resources include them)."""
    problems = []
    alarms = {k: v for k, v in live.items() if v["Type"] == "AWS::CloudWatch::Alarm"}
    for key, alarm in alarms.items():
        props = alarm["Properties"]
        if alarm.get("Condition") not in ALARM_CONDITIONS:
            problems.append(f"{key}: an alarm that exists without an AlarmTopicArn (Condition {alarm.get('Condition')})")
        if props.get("AlarmActions") != [{"Ref": "AlarmTopicArn"}]:
            problems.append(f"{key}: does not notify AlarmTopicArn: {props.get('AlarmActions')}")
    for name in functions:
        throttles = [
            k for k, v in alarms.items()
            if v["Properties"].get("Namespace") == "AWS/Lambda" and v["Properties"].get("MetricName") == "Throttles"
            and v["Properties"].get("Dimensions") == [{"Name": "FunctionName", "Value": {"Ref": name}}]
        ]
        if len(throttles) != 1:
            problems.append(f"{name}: {len(throttles)} Throttles alarms, expected one")
    queries = {}
    for key, alarm in alarms.items():
        for metric in alarm["Properties"].get("Metrics", []):
            expression = metric.get("Expression", {})
            text = expression.get("Fn::Sub") if isinstance(expression, dict) else expression
            if isinstance(text, str) and text.startswith("SELECT "):
                if alarm.get("Condition") != "HasMetricAlarms":
                    problems.append(f"{key}: an alarm on the functions' metrics must also need MetricsNamespace")
                queries[text.split("(", 2)[1].split(")")[0]] = (key, text)
    for metric, fragment in METRIC_ALARMS.items():
        if metric not in queries:
            problems.append(f"no alarm on {metric}")
        elif fragment not in queries[metric][1]:
            problems.append(f"{queries[metric][0]}: its query on {metric} lacks {fragment!r}: {queries[metric][1]}")
    return problems


def main():
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    args = sys.argv[1:]
    openapi_path = os.path.join(ROOT, "openapi.yaml")
    if "--openapi" in args:
        at = args.index("--openapi")
        openapi_path = args[at + 1]
        del args[at:at + 2]
    text = open(args[0] if args else "template.yaml").read()
    with open(openapi_path) as f:
        declared = Declared(yaml.safe_load(f))
    failed = False
    for auth_type in ("NONE", "AWS_IAM"):
        count, problems = check(text, auth_type, declared)
        for problem in problems:
            print(f"template ({auth_type}): {problem}", file=sys.stderr)
        failed |= bool(problems)
        print(f"template ({auth_type}): {count} functions checked, {len(problems)} problems")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
