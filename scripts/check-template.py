"""Checks template.yaml's security properties on the real SAM translator's output.

cfn-lint and `sam validate` check shape; they do not notice, for example, a function URL with AuthType
NONE and no public invoke permission (unreachable), or a role that may read more than the one secret.
For each AdminAuthType this translates the template and asserts:
  - every function has a URL; a NONE URL has both public permissions (InvokeFunctionUrl with
    FunctionUrlAuthType NONE, InvokeFunction via the URL), an AWS_IAM URL has none;
  - admin-only functions follow AdminAuthType, the others stay NONE (members and visitors call them);
  - every role's own policy allows exactly secretsmanager:GetSecretValue on the WixSecretArn parameter;
  - every function logs to its own log group with a retention, and has reserved concurrency (by default).
Run by scripts/test with the project venv's python (it has the SAM translator through aws-sam-cli).
"""

import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

ADMIN_ONLY = {
    "ApproveMember", "CancelOrder", "ConfirmBooking", "CreateMember", "CreateProduct",
    "FulfillOrder", "QueryMembers", "RefundOrder", "UpdateInventory",
}


class ManagedPolicies:
    def load(self):
        return {"AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}


def resolve_auth(value, auth_type):
    return auth_type if value == {"Ref": "AdminAuthType"} else value


def check(template_text, auth_type):
    # The translator wants an S3 code location; the build method is irrelevant to these checks.
    template = yaml_parse(template_text.replace("    CodeUri: .\n", "    CodeUri: s3://bucket/code.zip\n"))
    out = transform(template, {"WixClientId": "x", "AdminAuthType": auth_type}, ManagedPolicies())
    resources = out["Resources"]
    conditions = {"AdminUrlsArePublic": auth_type == "NONE", "HasVisitorConcurrency": True, "HasOtherConcurrency": True}
    live = {k: v for k, v in resources.items() if conditions.get(v.get("Condition"), True)}
    functions = {k: v for k, v in live.items() if v["Type"] == "AWS::Lambda::Function"}
    problems = []
    assert functions, "no functions"
    for name, function in functions.items():
        props = function["Properties"]
        urls = [v for v in live.values() if v["Type"] == "AWS::Lambda::Url" and v["Properties"]["TargetFunctionArn"] == {"Ref": name}]
        if len(urls) != 1:
            problems.append(f"{name}: {len(urls)} function URLs")
            continue
        auth = resolve_auth(urls[0]["Properties"]["AuthType"], auth_type)
        expected = auth_type if name in ADMIN_ONLY else "NONE"
        if auth != expected:
            problems.append(f"{name}: URL auth {auth}, expected {expected}")
        perms = [v["Properties"] for v in live.values() if v["Type"] == "AWS::Lambda::Permission" and v["Properties"]["FunctionName"] == {"Ref": name}]
        public_url = any(p["Action"] == "lambda:InvokeFunctionUrl" and p["Principal"] == "*" and p.get("FunctionUrlAuthType") == "NONE" for p in perms)
        public_invoke = any(p["Action"] == "lambda:InvokeFunction" and p["Principal"] == "*" and p.get("InvokedViaFunctionUrl") for p in perms)
        if auth == "NONE" and not (public_url and public_invoke):
            problems.append(f"{name}: NONE URL without its public permissions (unreachable)")
        if auth == "AWS_IAM" and (public_url or public_invoke):
            problems.append(f"{name}: AWS_IAM URL with a public permission")
        role = live[props["Role"]["Fn::GetAtt"][0]]["Properties"]
        statements = [s for policy in role.get("Policies", []) for s in policy["PolicyDocument"]["Statement"]]
        only_secret = statements and all(
            s["Effect"] == "Allow" and s["Action"] == ["secretsmanager:GetSecretValue"]
            and s["Resource"] == {"Fn::Sub": ["${secretArn}", {"secretArn": {"Ref": "WixSecretArn"}}]}
            for s in statements
        )
        if not only_secret:
            problems.append(f"{name}: role policy is not exactly GetSecretValue on WixSecretArn: {statements}")
        managed = role.get("ManagedPolicyArns", [])
        if managed != ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]:
            problems.append(f"{name}: unexpected managed policies {managed}")
        log_group = props.get("LoggingConfig", {}).get("LogGroup")
        if not (isinstance(log_group, dict) and "RetentionInDays" in live.get(log_group.get("Ref", ""), {}).get("Properties", {})):
            problems.append(f"{name}: no own log group with a retention")
        if "ReservedConcurrentExecutions" not in props:
            problems.append(f"{name}: no reserved concurrency")
    return len(functions), problems


def main():
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    text = open(sys.argv[1] if len(sys.argv) > 1 else "template.yaml").read()
    failed = False
    for auth_type in ("NONE", "AWS_IAM"):
        count, problems = check(text, auth_type)
        for problem in problems:
            print(f"template ({auth_type}): {problem}", file=sys.stderr)
        failed |= bool(problems)
        print(f"template ({auth_type}): {count} functions checked, {len(problems)} problems")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
