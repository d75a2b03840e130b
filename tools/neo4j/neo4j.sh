#!/usr/bin/env bash
# A local Neo4j Community server for Maillage's tests and local use (see README.md here).
#
#   tools/neo4j/neo4j.sh start        # build once, start in the background, wait for Bolt
#   tools/neo4j/neo4j.sh stop         # clean stop (kill only if it will not stop)
#   tools/neo4j/neo4j.sh status       # exit 0 when running, 3 when stopped
#   eval "$(tools/neo4j/neo4j.sh env)"  # NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE
#   tools/neo4j/neo4j.sh with CMD...  # start if needed, run CMD with the env, stop if we started
#
# Settings (environment): MAILLAGE_NEO4J_HOME (data folder, default <repo>/var/neo4j),
# MAILLAGE_NEO4J_PORT (Bolt port, default 7697), MAILLAGE_NEO4J_JAVA_HOME (a JDK 21+),
# MAILLAGE_NEO4J_START_TIMEOUT (seconds to wait for Bolt once built, default 180),
# MAILLAGE_NEO4J_JAVA_OPTS (more JVM options, e.g. -Xmx8g or -Xlog:gc:file=gc.log).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
home=${MAILLAGE_NEO4J_HOME:-$repo/var/neo4j}
port=${MAILLAGE_NEO4J_PORT:-7697}
start_timeout=${MAILLAGE_NEO4J_START_TIMEOUT:-180}
target=$here/target
# Neo4j calendar releases (2025.10+) run on Java 21 or newer; 5.26 LTS would need 17.
java_major_needed=21
launcher_class=org.maillage.neo4j.Launcher

pid_file=$home/neo4j.pid
holder_pid_file=$home/stdin-holder.pid
fifo=$home/stdin.fifo
log=$home/neo4j.out
connection_file=$home/connection.env
password_file=$home/password

say() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() {
    say "$*"
    exit 1
}

find_java_home() {
    local candidate
    for candidate in "${MAILLAGE_NEO4J_JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 \
        "${JAVA_HOME:-}" /usr/lib/jvm/temurin-21-jdk-amd64; do
        if [[ -n $candidate && -x $candidate/bin/java ]] &&
            (($(java_major "$candidate/bin/java") >= java_major_needed)); then
            printf '%s\n' "$candidate"
            return
        fi
    done
    die "no JDK $java_major_needed+ found: set MAILLAGE_NEO4J_JAVA_HOME to one"
}

java_major() {
    local version
    version=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
    printf '%s\n' "${version%%.*}"
}

# The launcher's pid, if that process is alive and really is our launcher.
running_pid() {
    local pid
    [[ -f $pid_file ]] || return 1
    pid=$(<"$pid_file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q "$launcher_class" || return 1
    printf '%s\n' "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

python_with_driver() {
    local python
    for python in "$repo/.venv/bin/python" python3; do
        if command -v "$python" >/dev/null && "$python" -c 'import neo4j' 2>/dev/null; then
            printf '%s\n' "$python"
            return
        fi
    done
    return 1
}

build() {
    local java_home=$1 classpath=$target/classpath.txt stamp
    mkdir -p "$target"
    # The classpath is asked of Maven once; again only when pom.xml changes or ~/.m2 lost jars.
    if [[ ! -s $classpath || $here/pom.xml -nt $classpath ]] || ! classpath_complete "$classpath"; then
        command -v mvn >/dev/null || die "Maven (mvn) is needed once, to fetch the Neo4j jars"
        say "resolving Neo4j jars with Maven (the first time downloads ~200 MB)..."
        if ! JAVA_HOME=$java_home mvn -B -q -f "$here/pom.xml" \
            dependency:build-classpath -Dmdep.outputFile="$classpath.new" >"$target/mvn.log" 2>&1; then
            tail -n 40 "$target/mvn.log" >&2
            die "Maven could not resolve the Neo4j jars (full log: $target/mvn.log)"
        fi
        mv "$classpath.new" "$classpath"
    fi
    stamp=$target/classes/org/maillage/neo4j/Launcher.class
    if [[ ! -f $stamp || $here/src/main/java/org/maillage/neo4j/Launcher.java -nt $stamp ||
        $classpath -nt $stamp ]]; then
        rm -rf "$target/classes"
        "$java_home/bin/javac" -nowarn -encoding UTF-8 -d "$target/classes" \
            -cp "$(<"$classpath")" "$here/src/main/java/org/maillage/neo4j/Launcher.java" 2>"$target/javac.log" ||
            {
                cat "$target/javac.log" >&2
                die "could not compile the launcher"
            }
    fi
}

classpath_complete() {
    local jar
    local -a jars
    IFS=: read -r -a jars <"$1"
    for jar in "${jars[@]}"; do
        # Maven lists some manifest-only entries that never exist; only .jar files under ~/.m2 count.
        [[ $jar == */org/neo4j/* && ! -f $jar ]] && return 1
    done
    return 0
}

write_config() {
    cat >"$home/neo4j.conf" <<EOF
# Written by tools/neo4j/neo4j.sh on every start; edit the script, not this file.
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$port
server.bolt.advertised_address=127.0.0.1:$port
server.bolt.tls_level=DISABLED
dbms.security.auth_enabled=true
server.memory.pagecache.size=256m
# One load is one transaction: Québec scale (15k organizations, 60k ties) needs ~450 MB
# of transaction memory at commit; past this cap a load fails cleanly instead of an OOM.
db.memory.transaction.total.max=1280m
db.tx_log.rotation.retention_policy=keep_none
db.tx_log.preallocate=false
db.tx_log.rotation.size=16m
dbms.usage_report.enabled=false
EOF
}

ensure_password() {
    if [[ -n ${MAILLAGE_NEO4J_PASSWORD:-} ]]; then
        printf '%s\n' "$MAILLAGE_NEO4J_PASSWORD" >"$password_file"
    elif [[ ! -s $password_file ]]; then
        head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$password_file"
        printf '\n' >>"$password_file"
    fi
    chmod 600 "$password_file"
}

write_connection() {
    (
        umask 077
        {
            printf 'NEO4J_URI=%q\n' "bolt://127.0.0.1:$port"
            printf 'NEO4J_USER=neo4j\n'
            printf 'NEO4J_PASSWORD=%q\n' "$(<"$password_file")"
            printf 'NEO4J_DATABASE=neo4j\n'
        } >"$connection_file"
    )
}

# A real query through the Python driver: the port alone may open before auth is ready.
driver_check() {
    local python
    python=$(python_with_driver) || {
        say "no Python with the neo4j driver; checked the port only"
        return 0
    }
    NEO4J_PASSWORD=$(<"$password_file") "$python" - "bolt://127.0.0.1:$port" <<'EOF'
import os, sys, time
import neo4j

deadline = time.monotonic() + 30
while True:
    try:
        with neo4j.GraphDatabase.driver(sys.argv[1], auth=("neo4j", os.environ["NEO4J_PASSWORD"])) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS one", database_="neo4j")
            assert records[0]["one"] == 1
        break
    except Exception as error:  # noqa: BLE001 - any failure means "not yet"
        if time.monotonic() > deadline:
            sys.exit(f"Bolt answers but a query fails: {error}")
        time.sleep(0.5)
EOF
}

version_line() { sed -n 's/^MAILLAGE-NEO4J version //p' "$log" 2>/dev/null | tail -n 1; }

cmd_start() {
    local pid java_home started waited=0
    if pid=$(running_pid); then
        say "already running (pid $pid): $(version_line), bolt://127.0.0.1:$port"
        return 0
    fi
    if port_open "$port"; then
        die "port $port is taken by another program: stop it or set MAILLAGE_NEO4J_PORT"
    fi
    mkdir -p "$home"
    java_home=$(find_java_home)
    build "$java_home"
    write_config
    ensure_password
    started=$SECONDS

    # The launcher stops when its stdin ends. Its stdin is a fifo held open by a sleeping
    # writer, so the server outlives this script; `stop` ends the writer to stop it cleanly.
    rm -f "$fifo"
    mkfifo -m 600 "$fifo"
    setsid sleep infinity >"$fifo" 2>/dev/null </dev/null 9>&- &
    printf '%s\n' "$!" >"$holder_pid_file"
    # Heap: a Québec-scale load is one transaction whose state (~0.5 GB) lives until the
    # commit. With a 2 GB young generation and the parallel collector it is rarely copied
    # (G1 with -Xmx2g paused ~0.35 s per load and used half as much server CPU again); the
    # 2 GB old generation still holds a transaction at the memory cap (neo4j.conf below).
    local -a java_options=(-Xms4g -Xmx4g -Xmn2g -XX:+UseParallelGC) extra_java_options
    read -r -a extra_java_options <<<"${MAILLAGE_NEO4J_JAVA_OPTS:-}"
    MAILLAGE_NEO4J_PASSWORD=$(<"$password_file") setsid "$java_home/bin/java" \
        "${java_options[@]}" "${extra_java_options[@]}" \
        -XX:+ExitOnOutOfMemoryError -Dfile.encoding=UTF-8 \
        --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
        --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
        --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
        --enable-native-access=ALL-UNNAMED -Dio.netty.tryReflectionSetAccessible=true \
        -cp "$target/classes:$(<"$target/classpath.txt")" "$launcher_class" \
        "$home" "$home/neo4j.conf" <"$fifo" >"$log" 2>&1 9>&- &
    pid=$!
    printf '%s\n' "$pid" >"$pid_file"

    until grep -q '^MAILLAGE-NEO4J ready' "$log" 2>/dev/null && port_open "$port"; do
        if ! kill -0 "$pid" 2>/dev/null || grep -q '^MAILLAGE-NEO4J failed' "$log"; then
            tail -n 40 "$log" >&2
            stop_holder
            die "Neo4j did not start (full log: $log)"
        fi
        if ((waited >= start_timeout * 2)); then
            tail -n 40 "$log" >&2
            cmd_stop
            die "Neo4j was not ready after ${start_timeout}s (full log: $log)"
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    driver_check || {
        cmd_stop
        die "Neo4j started but does not answer queries (full log: $log)"
    }
    write_connection
    say "started in $((SECONDS - started))s (pid $pid): $(version_line), bolt://127.0.0.1:$port"
}

stop_holder() {
    local holder
    if [[ -f $holder_pid_file ]]; then
        holder=$(<"$holder_pid_file")
        if [[ $holder =~ ^[0-9]+$ ]] && tr '\0' ' ' 2>/dev/null <"/proc/$holder/cmdline" |
            grep -q '^sleep infinity'; then
            kill "$holder" 2>/dev/null || true
        fi
        rm -f "$holder_pid_file"
    fi
    rm -f "$fifo"
}

wait_gone() {
    local pid=$1 tenths=$(($2 * 10))
    while kill -0 "$pid" 2>/dev/null && ((tenths-- > 0)); do
        sleep 0.1
    done
    ! kill -0 "$pid" 2>/dev/null
}

cmd_stop() {
    local pid
    if ! pid=$(running_pid); then
        stop_holder
        rm -f "$pid_file"
        say "not running"
        return 0
    fi
    stop_holder # end of stdin: the launcher shuts the DBMS down and exits
    if ! wait_gone "$pid" 60; then
        say "still running after 60s; sending TERM"
        kill -TERM "$pid" 2>/dev/null || true
        if ! wait_gone "$pid" 30; then
            say "still running after TERM; sending KILL"
            kill -KILL "$pid" 2>/dev/null || true
            wait_gone "$pid" 10 || die "could not stop pid $pid"
        fi
    fi
    rm -f "$pid_file"
    say "stopped"
}

cmd_status() {
    local pid
    if pid=$(running_pid); then
        printf 'running (pid %s): %s, bolt://127.0.0.1:%s, data in %s\n' \
            "$pid" "$(version_line)" "$port" "$home"
    else
        printf 'stopped\n'
        return 3
    fi
}

cmd_env() {
    [[ -s $connection_file ]] || die "no connection yet: run tools/neo4j/neo4j.sh start"
    running_pid >/dev/null || say "warning: the server is not running"
    printf 'export'
    while IFS= read -r line; do
        printf ' %s' "$line"
    done <"$connection_file"
    printf '\n'
}

cmd_with() {
    local was_running=0 status=0
    (($# > 0)) || die "usage: neo4j.sh with COMMAND [ARGS...]"
    running_pid >/dev/null && was_running=1
    locked cmd_start
    if ((!was_running)); then
        trap 'locked cmd_stop' EXIT
        trap 'exit 130' INT TERM
    fi
    eval "$(cmd_env)"
    "$@" || status=$?
    return "$status"
}

# One start or stop at a time per data folder (two test runs may share it).
locked() {
    mkdir -p "$home"
    exec 9>"$home/.lock"
    flock -w 300 9 || die "another neo4j.sh holds $home/.lock"
    "$@"
    exec 9>&-
}

main() {
    local command=${1:-}
    (($# > 0)) && shift
    case $command in
    start) locked cmd_start ;;
    stop) locked cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    with) cmd_with "$@" ;;
    *)
        sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
        exit 64
        ;;
    esac
}

main "$@"
