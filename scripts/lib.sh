# Helpers shared by scripts/setup, scripts/dev and bench/measure. Source it; do not run it.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
# shellcheck disable=SC2034 # used by the scripts that source this file
LOCAL="$ROOT/.local" # gitignored: env files, logs, lock files

# Dummy credentials for moto. Set explicitly so that a developer's real AWS profile is never used locally.
DUMMY_AWS_ENV=(AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true)

say() { printf '%s: %s\n' "${0##*/}" "$*"; }
die() {
	printf '%s: error: %s\n' "${0##*/}" "$*" >&2
	exit 1
}

# Microseconds since the epoch, without forking (bash >= 5).
now_us() { echo "${EPOCHREALTIME/./}"; }

# "12.3s" from a start time taken with now_us.
elapsed_since() { awk -v a="$1" -v b="$(now_us)" 'BEGIN { printf "%.1fs", (b - a) / 1e6 }'; }

# True when something accepts TCP connections on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A TCP port on loopback that nothing listens on now (small race, fine for local runs).
free_port() {
	local port
	for _ in $(seq 50); do
		port=$((20000 + RANDOM % 30000))
		port_in_use "$port" || {
			echo "$port"
			return 0
		}
	done
	die "no free loopback port found"
}

# Wait until something listens on 127.0.0.1:$1, for at most $2 seconds. $3 (optional): a pid that must
# stay alive meanwhile, so a server that crashed fails fast instead of timing out. (An HTTP probe does not
# work for every server: cargo lambda watch treats unknown paths as invocations and holds them open.)
wait_for_port() {
	local port=$1 timeout=$2 pid=${3:-} deadline=$((SECONDS + $2))
	until port_in_use "$port"; do
		if [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null; then return 1; fi
		((SECONDS < deadline)) || {
			echo "timed out after ${timeout}s waiting for 127.0.0.1:$port" >&2
			return 1
		}
		sleep 0.1
	done
}

# --- Background processes -------------------------------------------------------------------------------
# Each child runs in its own session/process group (setsid), so cleanup can end it together with anything
# it spawned (cargo lambda watch starts one process per function), and a Ctrl-C reaches only our trap.
CHILD_PIDS=()

start_bg() { # start_bg LOGFILE CMD... ; sets BG_PID
	local log=$1
	shift
	setsid "$@" >"$log" 2>&1 &
	BG_PID=$!
	CHILD_PIDS+=("$BG_PID")
}

stop_children() {
	local pid
	for pid in "${CHILD_PIDS[@]}"; do
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${CHILD_PIDS[@]}"; do
		for _ in $(seq 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL -- "-$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	CHILD_PIDS=()
}

# --- Sandbox seed values ----------------------------------------------------------------------------------
# The sandbox's seed (client id, secret, site, members) lives in one place, shared/wix-sandbox/src/seed.rs.
# `wix-sandbox --print-seed` prints the values scripts need as one JSON document; scripts read them from
# there (with Python: jq may not be installed) instead of copying values that would drift.
SEED_JSON=""

# python3 of the venv when setup made one, else the system's (both fine for json).
py() {
	if [[ -x $VENV/bin/python ]]; then "$VENV/bin/python" "$@"; else python3 "$@"; fi
}

# load_seed_from WIX_SANDBOX_BINARY (one just built) / load_seed (through `cargo run`, which builds the
# sandbox when needed): set SEED_JSON. Call one in the main shell so that every $(seed_value ...) reuses
# the document; without that, each seed_value loads the seed again.
load_seed_from() {
	SEED_JSON=$("$1" --print-seed) || die "$1 --print-seed failed"
}
load_seed() {
	SEED_JSON=$(cd "$ROOT" && cargo run --quiet -p wix-sandbox -- --print-seed) ||
		die "cargo run -p wix-sandbox -- --print-seed failed"
}

# seed_value PATH -> one value of the seed by its dotted path in `wix-sandbox --print-seed`, e.g.
# `seed_value clientId`, `seed_value members.admin.refreshToken`. A list comes out comma-separated.
seed_value() {
	[[ -n $SEED_JSON ]] || load_seed
	SEED_PATH=$1 py -c '
import json, os, sys
path, value = os.environ["SEED_PATH"], json.load(sys.stdin)
for key in path.split("."):
    if not isinstance(value, dict) or key not in value:
        sys.exit(1)
    value = value[key]
print(",".join(map(str, value)) if isinstance(value, list) else value)
' <<<"$SEED_JSON" || die "wix-sandbox --print-seed has no value at $1 (see cargo run -q -p wix-sandbox -- --print-seed)"
}

# The names seed.rs uses, for callers that still speak them (bench/measure):
#   seed_const CLIENT_SECRET      -> seed_value clientSecret
#   seed_member ADMIN refresh_token -> seed_value members.admin.refreshToken
snake_to_camel() {
	local -a words
	local word out
	IFS=_ read -ra words <<<"${1,,}"
	out=${words[0]}
	for word in "${words[@]:1}"; do out+=${word^}; done
	echo "$out"
}
seed_const() { seed_value "$(snake_to_camel "$1")"; }
seed_member() { seed_value "members.$(snake_to_camel "$1").$(snake_to_camel "$2")"; }

# --- Local AWS / Wix plumbing -----------------------------------------------------------------------------

# create_moto_secret ENDPOINT NAME JSON: store a secret in moto with boto3 (moto brings it).
create_moto_secret() {
	env "${DUMMY_AWS_ENV[@]}" MOTO_ENDPOINT="$1" SECRET_NAME="$2" SECRET_JSON="$3" "$VENV/bin/python" - <<'PY'
import os, boto3
sm = boto3.client("secretsmanager", endpoint_url=os.environ["MOTO_ENDPOINT"])
sm.create_secret(Name=os.environ["SECRET_NAME"], SecretString=os.environ["SECRET_JSON"])
PY
}

# create_moto_state_table ENDPOINT NAME: the state table as template.yaml declares it (hash key pk,
# on-demand, TTL on expiration).
create_moto_state_table() {
	env "${DUMMY_AWS_ENV[@]}" MOTO_ENDPOINT="$1" TABLE="$2" "$VENV/bin/python" - <<'PY'
import os, boto3
db = boto3.client("dynamodb", endpoint_url=os.environ["MOTO_ENDPOINT"])
table = os.environ["TABLE"]
db.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
db.update_time_to_live(TableName=table,
                       TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiration"})
PY
}

# sandbox_token SANDBOX_URL JSON_BODY -> access_token from the sandbox's POST /oauth2/token.
sandbox_token() {
	curl -sS --fail-with-body --max-time 10 -H 'content-type: application/json' -d "$2" "$1/oauth2/token" |
		"$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

# --- Results files ----------------------------------------------------------------------------------------

# write_section FILE NAME < TEXT: put TEXT between the lines `<!-- NAME -->` and `<!-- /NAME -->` of FILE,
# replacing what was there, or at the end when FILE has no such section yet. Each benchmark keeps its own
# part of one file (bench/RESULTS.md) without overwriting the others'.
write_section() {
	SECTION_FILE=$1 SECTION_NAME=$2 py -c '
import os, pathlib, sys
path, name = pathlib.Path(os.environ["SECTION_FILE"]), os.environ["SECTION_NAME"]
start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
block = f"{start}\n{sys.stdin.read().strip()}\n{end}"
text = path.read_text() if path.exists() else ""
if start in text and end in text:
    before, rest = text.split(start, 1)
    text = before + block + rest.split(end, 1)[1]
else:
    text = text.rstrip("\n") + ("\n\n" if text.strip() else "") + block + "\n"
path.write_text(text)
'
}
