#!/usr/bin/env bash
# scripts/services.sh — Docker-free stand-in for docker-compose: runs the five
# backing services of the platform as plain local processes for tests and CI.
#
#   scripts/services.sh up|down|status|env|clean [pg|redis|kafka|s3|opensearch ...]
#
#   up      install what is missing, start the services, wait until each one
#           really answers (already-running services are left alone)
#   down    stop them (data is kept)
#   status  one line per service; exits 3 when any named service is stopped
#   env     print `export NAME='value'` lines:  eval "$(scripts/services.sh env)"
#   clean   stop and delete the runtime data of the named services (not the caches)
#
# No service name means all five. Everything listens on 127.0.0.1 only.
#
#   service     what                                       port (override)
#   pg          PostgreSQL 15, own cluster, db `bacbos`     ${PGPORT_BACBOS:-55432}
#   redis       Redis 7, no persistence                     ${REDIS_PORT_BACBOS:-56379}
#   kafka       Apache Kafka 3.9, KRaft, 3 brokers (RF 3)   ${KAFKA_PORT_BACBOS:-59092} (+1, +2; controllers +3..+5)
#   s3          S3Proxy (filesystem backend)                ${S3_PORT_BACBOS:-59000}
#   opensearch  OpenSearch 2.19, one node, no security      ${OPENSEARCH_PORT_BACBOS:-59200} (+1: transport)
#               (heap ${OPENSEARCH_HEAP_BACBOS:-512m})
#
# Downloads/builds are cached outside the checkout in ${BACBOS_CACHE:-~/.cache/bacbos}
# (Maven jars come through ~/.m2 as usual); pid files, data and logs live in
# ${BACBOS_RUN:-~/.cache/bacbos/run}/<service>/. Missing Debian packages
# (postgresql-15, redis-server, a JRE, maven) are apt-get installed (as root).
# As root, postgres runs as the `postgres` OS user; when that user cannot reach
# the run dir (e.g. under /root, mode 0700) its data dir is
# /var/tmp/bacbos-pg-<hash>, symlinked from <run>/pg/data. OpenSearch refuses to
# run as root, so as root it runs as the `opensearch` OS user, from
# /var/tmp/bacbos-opensearch-<hash> when that user cannot reach <run>/opensearch.
set -euo pipefail

: "${HOME:=$(getent passwd "$(id -u)" | cut -d: -f6)}"
CACHE="${BACBOS_CACHE:-$HOME/.cache/bacbos}"
RUN="${BACBOS_RUN:-$HOME/.cache/bacbos/run}"

PG_PORT="${PGPORT_BACBOS:-55432}"
REDIS_PORT="${REDIS_PORT_BACBOS:-56379}"
KAFKA_PORT="${KAFKA_PORT_BACBOS:-59092}"
S3_PORT="${S3_PORT_BACBOS:-59000}"
OPENSEARCH_PORT="${OPENSEARCH_PORT_BACBOS:-59200}"
OPENSEARCH_TRANSPORT_PORT=$((OPENSEARCH_PORT + 1))

PG_USER=postgres
PG_PASSWORD=postgres
PG_DB=bacbos
S3_ACCESS_KEY=bacbos
S3_SECRET_KEY=bacbos-secret-key
S3_REGION=us-east-1

# Kafka 3.9 is the last 3.x line. Kafka 4 removed the old protocol versions
# that kafkajs (the client the platform uses) still speaks.
KAFKA_VERSION=3.9.2
SLF4J_VERSION=1.7.36 # the slf4j-api line kafka 3.9 is built against
RELOAD4J_VERSION=1.2.25 # what the Kafka 3.9 distribution ships (slf4j-reload4j would pull 1.2.19)
# S3Proxy from Maven Central starts in about a second and installs in seconds;
# building versitygw from source took ~95 s of CPU on 2 cores.
S3PROXY_VERSION=4.1.0
# s3proxy 4.1.0's pom lets Maven pick jackson-annotations 2.18, too old for the
# jackson-databind 3.x it also uses (NoClassDefFoundError JsonSerializeAs).
S3PROXY_JACKSON_ANNOTATIONS=2.22
MVN_DEP_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
# OpenSearch publishes no distribution to Maven Central, only the server jar and each module's
# jar: the node is assembled from those (see opensearch_assemble). 2.19 is the last line that
# runs on Java 17 (3.x needs 21). The server pom lacks log4j-core, which the distribution ships.
OPENSEARCH_VERSION=2.19.6
OPENSEARCH_LOG4J_VERSION=2.25.4 # the log4j-api line opensearch 2.19.6 depends on
OPENSEARCH_HEAP="${OPENSEARCH_HEAP_BACBOS:-512m}"
OPENSEARCH_USER=opensearch # as root only: OpenSearch refuses to run as root

PG_BIN=/usr/lib/postgresql/15/bin
JAVA="${BACBOS_JAVA:-java}"

ALL_SERVICES=(pg redis kafka s3 opensearch)

# ----------------------------------------------------------------------------
# helpers

log() { printf 'services: %s\n' "$*" >&2; }

# fail SERVICE LOGFILE MESSAGE — say which service failed, show its log, exit 1
fail() {
  local svc=$1 logfile=$2
  shift 2
  printf 'services: %s FAILED: %s\n' "$svc" "$*" >&2
  if [ -n "$logfile" ] && [ -s "$logfile" ]; then
    # only this attempt: from the last "==== ... starting" marker, at most 40 lines
    local from
    from=$(grep -n '^==== ' "$logfile" | tail -n1 | cut -d: -f1 || true)
    printf 'services: ---- tail of %s ----\n' "$logfile" >&2
    tail -n +"${from:-1}" "$logfile" | tail -n 40 >&2 || true
    printf 'services: ---- end of %s ----\n' "$logfile" >&2
  fi
  exit 1
}

# abort_start SERVICE PID LOGFILE MESSAGE — kill a half-started server, then fail
abort_start() {
  kill -KILL "$2" 2>/dev/null || true
  fail "$1" "$3" "$4"
}

# mark_log LOGFILE TEXT — start a new section (fail() shows the last one);
# a log over 20 MB is first moved aside to LOGFILE.1
mark_log() {
  if [ -f "$1" ] && [ "$(stat -c %s "$1")" -gt 20971520 ]; then mv -f "$1" "$1.1"; fi
  printf '\n==== %s %s\n' "$(date -Is)" "$2" >>"$1"
}

is_root() { [ "$(id -u)" -eq 0 ]; }

APT_UPDATED=0
apt_install() {
  local sudo=()
  if ! is_root; then
    command -v sudo >/dev/null 2>&1 || { log "need root (or sudo) to apt-get install $*"; return 1; }
    sudo=(sudo)
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    APT_UPDATED=1
  fi
  log "apt-get install $*"
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 9>&-
}

# true when something accepts TCP connections on 127.0.0.1:PORT
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# pid_alive PID MARKER — PID runs and its command line contains MARKER
# (guards against a stale pid file whose pid was reused by another process)
pid_alive() {
  local pid=$1 marker=$2
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker"
}

read_pid() {
  if [ -s "$1" ]; then head -n1 "$1" | tr -dc '0-9'; fi
}

# stop_pid SERVICE PID SIGNAL TIMEOUT_S — signal, wait, then SIGKILL
stop_pid() {
  local svc=$1 pid=$2 sig=$3 timeout=$4 i
  kill "-$sig" "$pid" 2>/dev/null || return 0
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "$svc: did not stop within ${timeout}s, killing pid $pid"
  kill -KILL "$pid" 2>/dev/null || true
  sleep 0.2
}

ensure_java() {
  if ! command -v "$JAVA" >/dev/null 2>&1; then
    apt_install openjdk-17-jre-headless
  fi
}

ensure_mvn() {
  command -v mvn >/dev/null 2>&1 || apt_install maven
}

# maven_fetch SERVICE DIR POM_XML — resolve the pom's runtime dependencies into
# DIR/lib once; DIR/.complete (holding the pom's checksum) marks a finished
# download of exactly this pom, so editing the pom here refreshes the jars.
maven_fetch() {
  local svc=$1 dir=$2 pom=$3 sum
  sum=$(printf '%s\n' "$pom" | cksum)
  [ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$sum" ] && return 0
  ensure_java
  ensure_mvn
  mkdir -p "$dir"
  printf '%s\n' "$pom" >"$dir/pom.xml"
  rm -rf "${dir:?}/lib.tmp" "${dir:?}/lib" "${dir:?}/.complete"
  local start=$SECONDS
  log "$svc: downloading jars from Maven Central into $dir/lib"
  if ! mvn -q -B -Dstyle.color=never -f "$dir/pom.xml" "$MVN_DEP_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$dir/lib.tmp" >"$dir/mvn.log" 2>&1; then
    fail "$svc" "$dir/mvn.log" "maven could not resolve the jars (pom: $dir/pom.xml)"
  fi
  mv "$dir/lib.tmp" "$dir/lib"
  printf '%s\n' "$sum" >"$dir/.complete"
  log "$svc: jars ready in $((SECONDS - start))s"
}

pom_xml() { # pom_xml ARTIFACT_ID DEPENDENCY_MANAGEMENT DEPENDENCIES
  cat <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<!-- generated by scripts/services.sh: only used to fetch runtime jars -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.bacbos.services</groupId>
  <artifactId>$1</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencyManagement><dependencies>$2
  </dependencies></dependencyManagement>
  <dependencies>$3
  </dependencies>
</project>
EOF
}

dep() { printf '\n    <dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version></dependency>' "$1" "$2" "$3"; }

# ----------------------------------------------------------------------------
# PostgreSQL

PG_DIR="$RUN/pg"
PG_LOG="$PG_DIR/postgres.log"

# As root, postgres runs as the `postgres` OS user, which must be able to reach
# its data dir. $HOME (/root) is usually mode 0700, so when the run dir is out
# of that user's reach the cluster lives in /var/tmp instead (one per run dir)
# and $RUN/pg/data is a symlink to it. Logs and pid stay in $RUN/pg.
pg_datadir() {
  if ! is_root; then
    printf '%s\n' "$PG_DIR/data"
  elif [ -L "$PG_DIR/data" ]; then
    readlink -f "$PG_DIR/data"
  elif [ -d "$PG_DIR/data" ] || runuser -u "$PG_USER" -- test -x "$PG_DIR" 2>/dev/null; then
    printf '%s\n' "$PG_DIR/data"
  else
    printf '/var/tmp/bacbos-pg-%s\n' "$(printf '%s' "$RUN" | cksum | cut -d' ' -f1)"
  fi
}

as_pg() {
  if is_root; then
    setpriv --reuid="$PG_USER" --regid="$PG_USER" --init-groups "$@"
  else
    "$@"
  fi
}

pg_pid() {
  local data pid
  data=$(pg_datadir)
  pid=$(read_pid "$data/postmaster.pid")
  pid_alive "$pid" postgres && printf '%s\n' "$pid"
}

pg_ensure_installed() {
  if [ ! -x "$PG_BIN/postgres" ] || [ ! -x "$PG_BIN/psql" ]; then
    apt_install postgresql-15 postgresql-client-15
  fi
  if is_root && ! id -u "$PG_USER" >/dev/null 2>&1; then
    log "pg: creating OS user $PG_USER"
    useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash "$PG_USER"
  fi
}

pg_write_config() {
  local data=$1
  # Re-written on every `up`, so edits here reach existing clusters too.
  cat >"$data/bacbos.conf" <<EOF
# written by scripts/services.sh on every 'up' — edit the script, not this file
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''   # TCP only (127.0.0.1)
max_connections = 200
password_encryption = scram-sha-256
# Throwaway test cluster: durability is worthless here, speed is not. These skip
# the WAL/data fsyncs, so migrations, CREATE DATABASE and per-test truncation run
# much faster. A crash of the machine can corrupt this cluster — never use these
# settings on a database whose contents matter.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  cat >"$data/pg_hba.conf" <<'EOF'
# written by scripts/services.sh: password (SCRAM) logins over TCP on loopback only
# TYPE  DATABASE  USER  ADDRESS        METHOD
host    all       all   127.0.0.1/32   scram-sha-256
EOF
  if is_root; then chown "$PG_USER:" "$data/bacbos.conf" "$data/pg_hba.conf"; fi
}

pg_init() {
  local data=$1 pwfile locale=C
  log "pg: initdb in $data"
  mkdir -p "$data"
  chmod 700 "$data"
  if is_root; then chown "$PG_USER:" "$data"; fi
  if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then locale=C.UTF-8; fi
  mark_log "$PG_LOG" "initdb $data"
  pwfile=$(mktemp)
  printf '%s\n' "$PG_PASSWORD" >"$pwfile"
  if is_root; then chown "$PG_USER:" "$pwfile"; fi
  if ! (cd / && as_pg "$PG_BIN/initdb" -D "$data" -U "$PG_USER" --pwfile="$pwfile" \
    -E UTF8 --locale="$locale" --auth-host=scram-sha-256 --auth-local=trust --no-sync) \
    >>"$PG_LOG" 2>&1; then
    rm -f "$pwfile"
    fail pg "$PG_LOG" "initdb failed"
  fi
  rm -f "$pwfile"
  printf "\ninclude 'bacbos.conf'\n" >>"$data/postgresql.conf"
}

pg_up() {
  local data pid i start=$SECONDS
  mkdir -p "$PG_DIR"
  if pid=$(pg_pid); then
    log "pg: already running on 127.0.0.1:$PG_PORT (pid $pid)"
    return 0
  fi
  pg_ensure_installed
  data=$(pg_datadir)
  if [ "$data" != "$PG_DIR/data" ]; then
    ln -sfn "$data" "$PG_DIR/data"
  fi
  if port_open "$PG_PORT"; then
    fail pg "" "port 127.0.0.1:$PG_PORT is already in use by another process (set PGPORT_BACBOS)"
  fi
  [ -f "$data/PG_VERSION" ] || pg_init "$data"
  pg_write_config "$data"
  rm -f "$data/postmaster.pid" # stale: the server is not running (checked above)
  mark_log "$PG_LOG" "starting postgres"
  local as_user=()
  if is_root; then as_user=(setpriv --reuid="$PG_USER" --regid="$PG_USER" --init-groups); fi
  (cd / && exec setsid "${as_user[@]}" "$PG_BIN/postgres" -D "$data") </dev/null >>"$PG_LOG" 2>&1 9>&- &
  local launcher=$!
  for ((i = 0; i < 600; i++)); do
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1; then break; fi
    if ! kill -0 "$launcher" 2>/dev/null; then fail pg "$PG_LOG" "postgres exited during startup"; fi
    sleep 0.1
  done
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 1 ||
    abort_start pg "$launcher" "$PG_LOG" "not ready after 60s (pg_isready)"
  pid=$(pg_pid) || fail pg "$PG_LOG" "running but no postmaster.pid"
  printf '%s\n' "$pid" >"$PG_DIR/postgres.pid"
  export PGPASSWORD=$PG_PASSWORD
  local psql=("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d postgres -v ON_ERROR_STOP=1 -tA)
  if [ "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'" 2>>"$PG_LOG")" != 1 ]; then
    "${psql[@]}" -c "CREATE DATABASE $PG_DB" >>"$PG_LOG" 2>&1 || fail pg "$PG_LOG" "CREATE DATABASE $PG_DB failed"
  fi
  log "pg: started on 127.0.0.1:$PG_PORT in $((SECONDS - start))s (pid $pid, data $data)"
}

pg_down() {
  local pid
  if ! pid=$(pg_pid); then
    log "pg: not running"
    rm -f "$PG_DIR/postgres.pid"
    return 0
  fi
  stop_pid pg "$pid" INT 60 # SIGINT = "fast" shutdown
  rm -f "$PG_DIR/postgres.pid"
  log "pg: stopped"
}

pg_status() {
  local pid
  if pid=$(pg_pid); then echo "pg     running  127.0.0.1:$PG_PORT  pid $pid"; else echo "pg     stopped  127.0.0.1:$PG_PORT" && return 1; fi
}

pg_clean() { pg_down; local d; d=$(pg_datadir); rm -rf "$d" "$PG_DIR"; }

# ----------------------------------------------------------------------------
# Redis

REDIS_DIR="$RUN/redis"
REDIS_LOG="$REDIS_DIR/redis.log"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"

redis_pid() {
  local pid
  pid=$(read_pid "$REDIS_PIDFILE")
  pid_alive "$pid" redis-server && printf '%s\n' "$pid"
}

redis_up() {
  local pid i start=$SECONDS
  mkdir -p "$REDIS_DIR"
  if pid=$(redis_pid); then
    log "redis: already running on 127.0.0.1:$REDIS_PORT (pid $pid)"
    return 0
  fi
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    apt_install redis-server redis-tools
  fi
  if port_open "$REDIS_PORT"; then
    fail redis "" "port 127.0.0.1:$REDIS_PORT is already in use by another process (set REDIS_PORT_BACBOS)"
  fi
  rm -f "$REDIS_PIDFILE"
  mark_log "$REDIS_LOG" "starting redis-server"
  # no persistence at all: no RDB snapshots, no AOF. (redis appends to its
  # --logfile itself; our >> only catches what it prints before daemonizing)
  # shellcheck disable=SC2094
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes \
    --daemonize yes --pidfile "$REDIS_PIDFILE" --logfile "$REDIS_LOG" --dir "$REDIS_DIR" \
    --save '' --appendonly no --loglevel notice </dev/null >>"$REDIS_LOG" 2>&1 9>&- ||
    fail redis "$REDIS_LOG" "redis-server did not start"
  for ((i = 0; i < 200; i++)); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; then
      pid=$(redis_pid) || fail redis "$REDIS_LOG" "answers PONG but pid file $REDIS_PIDFILE is missing"
      log "redis: started on 127.0.0.1:$REDIS_PORT in $((SECONDS - start))s (pid $pid)"
      return 0
    fi
    sleep 0.1
  done
  pid=$(read_pid "$REDIS_PIDFILE")
  if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
  fail redis "$REDIS_LOG" "no PONG after 20s"
}

redis_down() {
  local pid
  if pid=$(redis_pid); then
    stop_pid redis "$pid" TERM 20
    log "redis: stopped"
  else
    log "redis: not running"
  fi
  rm -f "$REDIS_PIDFILE"
}

redis_status() {
  local pid
  if pid=$(redis_pid); then echo "redis  running  127.0.0.1:$REDIS_PORT  pid $pid"; else echo "redis  stopped  127.0.0.1:$REDIS_PORT" && return 1; fi
}

redis_clean() { redis_down; rm -rf "$REDIS_DIR"; }

# ----------------------------------------------------------------------------
# Kafka (KRaft): three nodes, each both broker and controller, one controller
# quorum of the three. Topics get replication factor 3 and min.insync.replicas 2,
# so with producers at acks=all a broker can die without losing an acknowledged
# event, and the cluster keeps serving (and electing a controller) with two.

KAFKA_HOME="$CACHE/kafka-$KAFKA_VERSION"
KAFKA_DIR="$RUN/kafka"
KAFKA_CP="$KAFKA_HOME/lib/*"
KAFKA_NODES=(1 2 3)

kafka_port() { echo $((KAFKA_PORT + $1 - 1)); }            # broker N: PORT, PORT+1, PORT+2
kafka_controller_port() { echo $((KAFKA_PORT + $1 + 2)); } # controller N: PORT+3, +4, +5
kafka_node_dir() { echo "$KAFKA_DIR/node-$1"; }
kafka_bootstrap() {
  local n out=()
  for n in "${KAFKA_NODES[@]}"; do out+=("127.0.0.1:$(kafka_port "$n")"); done
  (IFS=,; echo "${out[*]}")
}

kafka_node_pid() {
  local dir pid
  dir=$(kafka_node_dir "$1")
  pid=$(read_pid "$dir/kafka.pid")
  pid_alive "$pid" "$dir/server.properties" && printf '%s\n' "$pid"
}

# The single-node layout of earlier versions ($KAFKA_DIR/server.properties): stopped and its data
# deleted, since its topics had one replica and its cluster another id.
kafka_retire_single_node() {
  local pid
  pid=$(read_pid "$KAFKA_DIR/kafka.pid")
  if pid_alive "$pid" "$KAFKA_DIR/server.properties"; then
    log "kafka: stopping the single-node broker of an earlier version (pid $pid)"
    stop_pid kafka "$pid" TERM 60
  fi
  if [ -e "$KAFKA_DIR/server.properties" ] || [ -e "$KAFKA_DIR/data" ]; then
    log "kafka: deleting the single-node data of an earlier version"
    rm -rf "${KAFKA_DIR:?}/data" "$KAFKA_DIR/server.properties" "$KAFKA_DIR/kafka.pid" "$KAFKA_DIR/cluster.id"
  fi
}

kafka_install() {
  # kafka_2.13 brings kafka-server/-storage/-metadata/-raft/-clients; kafka-tools
  # holds TopicCommand (handy for debugging); slf4j-reload4j is the log binding
  # the Kafka distribution ships.
  maven_fetch kafka "$KAFKA_HOME" "$(pom_xml kafka-runtime "$(dep ch.qos.reload4j reload4j "$RELOAD4J_VERSION")" \
    "$(dep org.apache.kafka kafka_2.13 "$KAFKA_VERSION")$(dep org.apache.kafka kafka-tools "$KAFKA_VERSION")$(dep org.slf4j slf4j-reload4j "$SLF4J_VERSION")")"
}

kafka_java() { # runs a Kafka command-line tool with the cached jars
  "$JAVA" -Xms32m -Xmx192m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j.configuration="file:$KAFKA_DIR/tools-log4j.properties" \
    -cp "$KAFKA_CP" "$@"
}

kafka_write_config() {
  local n dir voters=()
  for n in "${KAFKA_NODES[@]}"; do voters+=("$n@127.0.0.1:$(kafka_controller_port "$n")"); done
  for n in "${KAFKA_NODES[@]}"; do
    dir=$(kafka_node_dir "$n")
    mkdir -p "$dir/data"
    cat >"$dir/server.properties" <<EOF
# written by scripts/services.sh on every 'up'
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$(IFS=,; echo "${voters[*]}")
listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$n"),CONTROLLER://127.0.0.1:$(kafka_controller_port "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$n")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
auto.create.topics.enable=true
num.partitions=3
# every topic on all three brokers; a write acknowledged (acks=all) is on at least two
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
# a single __consumer_offsets partition: the first consumer group joins faster
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=1
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
# a killed broker is fenced (its partitions led elsewhere) after 6 s instead of 9 s
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=6000
# small thread pools: three brokers share two cores with the whole test suite
num.network.threads=1
num.io.threads=2
background.threads=2
num.recovery.threads.per.data.dir=1
log.retention.hours=24
EOF
  done
  cat >"$KAFKA_DIR/log4j.properties" <<'EOF'
log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.clients=WARN
EOF
  cat >"$KAFKA_DIR/tools-log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

# kafka_format N — formats node N's storage with the cluster's id (once)
kafka_format() {
  local dir
  dir=$(kafka_node_dir "$1")
  [ -f "$dir/data/meta.properties" ] && return 0
  mark_log "$dir/kafka.log" "formatting storage"
  kafka_java kafka.tools.StorageTool format --ignore-formatted -t "$(cat "$KAFKA_DIR/cluster.id")" \
    -c "$dir/server.properties" >>"$dir/kafka.log" 2>&1 ||
    fail kafka "$dir/kafka.log" "kafka-storage format of node $1 failed"
}

# kafka_start N — launches node N in the background, writes its pid file
kafka_start() {
  local dir
  dir=$(kafka_node_dir "$1")
  mark_log "$dir/kafka.log" "starting kafka node $1"
  # Small heaps and C1 only: start-up time and CPU matter more here than peak throughput.
  (cd "$dir" && exec setsid "$JAVA" -Xms128m -Xmx384m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:ParallelGCThreads=1 -XX:ConcGCThreads=1 -XX:TieredStopAtLevel=1 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$KAFKA_DIR/log4j.properties" \
    -cp "$KAFKA_CP" kafka.Kafka "$dir/server.properties") </dev/null >>"$dir/kafka.log" 2>&1 9>&- &
  printf '%s\n' "$!" >"$dir/kafka.pid"
}

# How many brokers serve clients (unfenced), as the cluster's metadata lists them.
kafka_brokers_serving() {
  kafka_java kafka.admin.BrokerApiVersionsCommand --bootstrap-server "$(kafka_bootstrap)" 2>>"$KAFKA_DIR/readiness.log" |
    grep -c ' (id: ' || true
}

kafka_up() {
  local pid i n p start=$SECONDS started=()
  mkdir -p "$KAFKA_DIR"
  kafka_retire_single_node
  for n in "${KAFKA_NODES[@]}"; do
    if kafka_node_pid "$n" >/dev/null; then continue; fi
    for p in "$(kafka_port "$n")" "$(kafka_controller_port "$n")"; do
      if port_open "$p"; then
        fail kafka "" "port 127.0.0.1:$p is already in use by another process (set KAFKA_PORT_BACBOS; it uses PORT to PORT+5)"
      fi
    done
    started+=("$n")
  done
  if [ ${#started[@]} -eq 0 ]; then
    log "kafka: already running on $(kafka_bootstrap)"
    return 0
  fi
  kafka_install
  ensure_java
  kafka_write_config
  if [ ! -s "$KAFKA_DIR/cluster.id" ]; then
    # what `kafka-storage random-uuid` prints (16 random bytes, base64url), without a JVM start
    local id=-
    while [[ $id == -* ]]; do id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='); done
    printf '%s\n' "$id" >"$KAFKA_DIR/cluster.id"
    log "kafka: formatting storage (cluster id $id)"
  fi
  for n in "${started[@]}"; do kafka_format "$n" & done
  wait
  for n in "${started[@]}"; do kafka_start "$n"; done
  # Ready when every broker is unfenced (the metadata lists it): topics of replication factor 3
  # can be created and written with acks=all.
  for ((i = 0; i < 90; i++)); do
    for n in "${started[@]}"; do
      pid=$(read_pid "$(kafka_node_dir "$n")/kafka.pid")
      kill -0 "$pid" 2>/dev/null || fail kafka "$(kafka_node_dir "$n")/kafka.log" "kafka node $n exited during startup"
    done
    if [ "$(kafka_brokers_serving)" -ge ${#KAFKA_NODES[@]} ]; then
      log "kafka: started node(s) ${started[*]} in $((SECONDS - start))s; brokers $(kafka_bootstrap), controllers :$(kafka_controller_port 1)-$(kafka_controller_port "${#KAFKA_NODES[@]}")"
      return 0
    fi
    sleep 1
  done
  for n in "${started[@]}"; do kill -KILL "$(read_pid "$(kafka_node_dir "$n")/kafka.pid")" 2>/dev/null || true; done
  fail kafka "$(kafka_node_dir "${started[0]}")/kafka.log" "not every broker serves after 90 s (kafka.admin.BrokerApiVersionsCommand); see also $KAFKA_DIR/readiness.log"
}

kafka_down() {
  local n pid entry pids=()
  # TERM = controlled shutdown, to all at once (one by one, each would wait for leadership moves)
  for n in "${KAFKA_NODES[@]}"; do
    if pid=$(kafka_node_pid "$n"); then kill -TERM "$pid" 2>/dev/null && pids+=("$n:$pid"); fi
  done
  for entry in "${pids[@]}"; do stop_pid "kafka node ${entry%%:*}" "${entry#*:}" TERM 60; done
  for n in "${KAFKA_NODES[@]}"; do rm -f "$(kafka_node_dir "$n")/kafka.pid"; done
  kafka_retire_single_node
  if [ ${#pids[@]} -gt 0 ]; then log "kafka: stopped"; else log "kafka: not running"; fi
}

kafka_status() {
  local n pid rc=0 line=()
  for n in "${KAFKA_NODES[@]}"; do
    if pid=$(kafka_node_pid "$n"); then line+=("$(kafka_port "$n") pid $pid"); else line+=("$(kafka_port "$n") stopped"); rc=1; fi
  done
  if [ "$rc" -eq 0 ]; then echo "kafka  running  127.0.0.1: $(IFS=,; echo "${line[*]}")"; else echo "kafka  stopped  127.0.0.1: $(IFS=,; echo "${line[*]}")"; fi
  return "$rc"
}

kafka_clean() { kafka_down; rm -rf "$KAFKA_DIR"; }

# ----------------------------------------------------------------------------
# S3 (S3Proxy, filesystem backend)

S3PROXY_HOME="$CACHE/s3proxy-$S3PROXY_VERSION"
S3_DIR="$RUN/s3"
S3_LOG="$S3_DIR/s3proxy.log"
S3_PIDFILE="$S3_DIR/s3proxy.pid"

s3_pid() {
  local pid
  pid=$(read_pid "$S3_PIDFILE")
  pid_alive "$pid" "$S3_DIR/s3proxy.conf" && printf '%s\n' "$pid"
}

# http_answers PORT — something speaking HTTP answers on 127.0.0.1:PORT (any status)
http_answers() {
  local line
  # shellcheck disable=SC2016 # $1 expands in the inner bash
  line=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3 && head -n1 <&3' _ "$1" 2>/dev/null) || return 1
  [[ "$line" == HTTP/* ]]
}

s3_up() {
  local pid i start=$SECONDS
  mkdir -p "$S3_DIR/data"
  if pid=$(s3_pid); then
    log "s3: already running on 127.0.0.1:$S3_PORT (pid $pid)"
    return 0
  fi
  if port_open "$S3_PORT"; then
    fail s3 "" "port 127.0.0.1:$S3_PORT is already in use by another process (set S3_PORT_BACBOS)"
  fi
  maven_fetch s3 "$S3PROXY_HOME" "$(pom_xml s3proxy-runtime \
    "$(dep com.fasterxml.jackson.core jackson-annotations "$S3PROXY_JACKSON_ANNOTATIONS")" \
    "$(dep org.gaul s3proxy "$S3PROXY_VERSION")")"
  ensure_java
  cat >"$S3_DIR/s3proxy.conf" <<EOF
# written by scripts/services.sh on every 'up'
s3proxy.endpoint=http://127.0.0.1:$S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$S3_ACCESS_KEY
s3proxy.credential=$S3_SECRET_KEY
s3proxy.cors-allow-all=true
jclouds.provider=filesystem-nio2
jclouds.identity=$S3_ACCESS_KEY
jclouds.credential=$S3_SECRET_KEY
jclouds.region=$S3_REGION
jclouds.filesystem.basedir=$S3_DIR/data
EOF
  cat >"$S3_DIR/logback.xml" <<'EOF'
<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="STDOUT"/></root>
</configuration>
EOF
  mark_log "$S3_LOG" "starting s3proxy"
  (cd "$S3_DIR" && exec setsid "$JAVA" -Xms64m -Xmx256m -XX:+ExitOnOutOfMemoryError \
    -Dlogback.configurationFile="$S3_DIR/logback.xml" -cp "$S3PROXY_HOME/lib/*" \
    org.gaul.s3proxy.Main --properties "$S3_DIR/s3proxy.conf") </dev/null >>"$S3_LOG" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$S3_PIDFILE"
  for ((i = 0; i < 600; i++)); do
    if http_answers "$S3_PORT"; then
      log "s3: started on 127.0.0.1:$S3_PORT in $((SECONDS - start))s (pid $pid)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || fail s3 "$S3_LOG" "s3proxy exited during startup"
    sleep 0.1
  done
  abort_start s3 "$pid" "$S3_LOG" "no HTTP answer on port $S3_PORT after 60s"
}

s3_down() {
  local pid
  if pid=$(s3_pid); then
    stop_pid s3 "$pid" TERM 20
    log "s3: stopped"
  else
    log "s3: not running"
  fi
  rm -f "$S3_PIDFILE"
}

s3_status() {
  local pid
  if pid=$(s3_pid); then echo "s3     running  127.0.0.1:$S3_PORT  pid $pid"; else echo "s3     stopped  127.0.0.1:$S3_PORT" && return 1; fi
}

s3_clean() { s3_down; rm -rf "$S3_DIR"; }

# ----------------------------------------------------------------------------
# OpenSearch (single node, HTTP only on loopback, no security plugin)

OPENSEARCH_INSTALL="$CACHE/opensearch-$OPENSEARCH_VERSION"
OPENSEARCH_DIR="$RUN/opensearch"
OPENSEARCH_LOG="$OPENSEARCH_DIR/opensearch.log"
OPENSEARCH_PIDFILE="$OPENSEARCH_DIR/opensearch.pid"

# The modules the node loads: folder, Maven artifact (org.opensearch.plugin), plugin class, the
# module it extends (- for none). transport-netty4 serves HTTP and transport; analysis-common has
# the edge_ngram and asciifolding filters the search index uses; it extends lang-painless, which
# also runs the adapter's scripted updates and scores; reindex serves _update_by_query and
# _delete_by_query.
OPENSEARCH_MODULES=(
  "transport-netty4 transport-netty4-client org.opensearch.transport.Netty4Plugin -"
  "lang-painless lang-painless org.opensearch.painless.PainlessPlugin -"
  "analysis-common analysis-common org.opensearch.analysis.common.CommonAnalysisPlugin lang-painless"
  "reindex reindex-client org.opensearch.index.reindex.ReindexPlugin -"
)

# The security-manager grants of a module (the distribution's plugin-security.policy files).
opensearch_module_policy() {
  case $1 in
  transport-netty4)
    cat <<'EOF'
grant {
  permission java.io.FilePermission "/proc/sys/net/core/somaxconn", "read";
  permission java.net.SocketPermission "*", "accept,connect";
  permission java.lang.RuntimePermission "*", "setContextClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
  permission java.util.PropertyPermission "sun.nio.ch.bugLevel", "write";
};
EOF
    ;;
  lang-painless)
    cat <<'EOF'
grant {
  permission java.lang.RuntimePermission "createClassLoader";
  permission java.lang.RuntimePermission "getClassLoader";
};
EOF
    ;;
  reindex)
    cat <<'EOF'
grant {
  permission java.net.SocketPermission "*", "connect";
};
grant codeBase "${codebase.opensearch-rest-client}" {
  permission java.net.NetPermission "getProxySelector";
};
grant codeBase "${codebase.httpasyncclient}" {
  permission java.net.NetPermission "getProxySelector";
};
EOF
    ;;
  esac
}

# Where the node's home, data and logs live: <run>/opensearch/node, or, as root when the
# opensearch user cannot reach that, /var/tmp/bacbos-opensearch-<hash> (one per run dir).
opensearch_nodedir() {
  if ! is_root || runuser -u "$OPENSEARCH_USER" -- test -x "$OPENSEARCH_DIR" 2>/dev/null; then
    printf '%s\n' "$OPENSEARCH_DIR/node"
  else
    printf '/var/tmp/bacbos-opensearch-%s\n' "$(printf '%s' "$RUN" | cksum | cut -d' ' -f1)"
  fi
}

opensearch_pid() {
  local pid
  pid=$(read_pid "$OPENSEARCH_PIDFILE")
  pid_alive "$pid" "-Dopensearch.path.conf=$(opensearch_nodedir)/home/config" && printf '%s\n' "$pid"
}

opensearch_install() {
  local entry name artifact class extends
  maven_fetch opensearch "$OPENSEARCH_INSTALL/server" "$(pom_xml opensearch-runtime "" \
    "$(dep org.opensearch opensearch "$OPENSEARCH_VERSION")$(dep org.opensearch opensearch-plugin-classloader "$OPENSEARCH_VERSION")$(dep org.apache.logging.log4j log4j-core "$OPENSEARCH_LOG4J_VERSION")")"
  for entry in "${OPENSEARCH_MODULES[@]}"; do
    read -r name artifact class extends <<<"$entry"
    maven_fetch opensearch "$OPENSEARCH_INSTALL/module-$name" "$(pom_xml "opensearch-module-$name" "" \
      "$(dep org.opensearch.plugin "$artifact" "$OPENSEARCH_VERSION")")"
  done
}

# opensearch_assemble HOME — lays out a distribution's home from the cached jars: lib/ (the
# server's class path), modules/<name>/ (each module's own jars, without those lib/ already has,
# plus the plugin-descriptor.properties and security policy the distribution would ship), and
# empty bin/ and plugins/ (the node checks they exist). Jars are hard links where possible.
opensearch_assemble() {
  local home=$1 entry name artifact class extends jar
  rm -rf "${home:?}/lib" "${home:?}/modules"
  mkdir -p "$home/bin" "$home/plugins" "$home/config" "$home/modules"
  cp -al "$OPENSEARCH_INSTALL/server/lib" "$home/lib" 2>/dev/null || cp -a "$OPENSEARCH_INSTALL/server/lib" "$home/lib"
  for entry in "${OPENSEARCH_MODULES[@]}"; do
    read -r name artifact class extends <<<"$entry"
    mkdir -p "$home/modules/$name"
    for jar in "$OPENSEARCH_INSTALL/module-$name/lib/"*.jar; do
      [ -e "$home/lib/${jar##*/}" ] && continue
      ln "$jar" "$home/modules/$name/" 2>/dev/null || cp "$jar" "$home/modules/$name/"
    done
    cat >"$home/modules/$name/plugin-descriptor.properties" <<EOF
# written by scripts/services.sh: what the distribution's module folder would hold
description=$name module of OpenSearch $OPENSEARCH_VERSION (jars from Maven Central)
version=$OPENSEARCH_VERSION
name=$name
classname=$class
java.version=11
opensearch.version=$OPENSEARCH_VERSION
extended.plugins=${extends#-}
has.native.controller=false
EOF
    opensearch_module_policy "$name" >"$home/modules/$name/plugin-security.policy"
    [ -s "$home/modules/$name/plugin-security.policy" ] || rm -f "$home/modules/$name/plugin-security.policy"
  done
}

opensearch_write_config() {
  local node=$1
  cat >"$node/home/config/opensearch.yml" <<EOF
# written by scripts/services.sh on every 'up'
cluster.name: bacbos
node.name: bacbos-1
network.host: 127.0.0.1
http.port: $OPENSEARCH_PORT
transport.port: $OPENSEARCH_TRANSPORT_PORT
discovery.type: single-node
path.data: $node/data
path.logs: $node/logs
# a test node: indices are made by the application, never by a stray write
action.auto_create_index: false
# the disk watermarks would turn indices read-only on a nearly full developer disk
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  cat >"$node/home/config/log4j2.properties" <<'EOF'
# written by scripts/services.sh: everything to stdout, which goes to the service log
status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] %marker%m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
logger.deprecation.name = org.opensearch.deprecation
logger.deprecation.level = error
EOF
}

# http_status PORT PATH — the HTTP status code of GET PATH on 127.0.0.1:PORT (empty if none)
http_status() {
  local line
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner bash
  line=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" "$2" >&3 && head -n1 <&3' _ "$1" "$2" 2>/dev/null) || return 0
  [[ "$line" == HTTP/* ]] && printf '%s\n' "$line" | cut -d' ' -f2
}

opensearch_up() {
  local pid i node start=$SECONDS
  mkdir -p "$OPENSEARCH_DIR"
  if pid=$(opensearch_pid); then
    log "opensearch: already running on 127.0.0.1:$OPENSEARCH_PORT (pid $pid)"
    return 0
  fi
  local p
  for p in "$OPENSEARCH_PORT" "$OPENSEARCH_TRANSPORT_PORT"; do
    if port_open "$p"; then
      fail opensearch "" "port 127.0.0.1:$p is already in use by another process (set OPENSEARCH_PORT_BACBOS; it uses PORT and PORT+1)"
    fi
  done
  opensearch_install
  ensure_java
  local as_user=()
  if is_root; then
    if ! id -u "$OPENSEARCH_USER" >/dev/null 2>&1; then
      log "opensearch: creating OS user $OPENSEARCH_USER"
      useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$OPENSEARCH_USER"
    fi
    as_user=(setpriv --reuid="$OPENSEARCH_USER" --regid="$OPENSEARCH_USER" --init-groups)
  fi
  node=$(opensearch_nodedir)
  mkdir -p "$node/home" "$node/data" "$node/logs" "$node/tmp"
  opensearch_assemble "$node/home"
  opensearch_write_config "$node"
  if is_root; then chown -R "$OPENSEARCH_USER:" "$node/data" "$node/logs" "$node/tmp" "$node/home/config"; fi
  mark_log "$OPENSEARCH_LOG" "starting opensearch $OPENSEARCH_VERSION (home $node/home)"
  # What bin/opensearch and config/jvm.options of the distribution would pass.
  (cd "$node" && exec setsid "${as_user[@]}" "$JAVA" -Xms"$OPENSEARCH_HEAP" -Xmx"$OPENSEARCH_HEAP" -XX:+UseG1GC \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Dfile.encoding=UTF-8 -Djava.security.manager=allow \
    -Djava.io.tmpdir="$node/tmp" -Dlog4j2.formatMsgNoLookups=true -Dio.netty.noUnsafe=true \
    -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0 \
    -Dopensearch.path.home="$node/home" -Dopensearch.path.conf="$node/home/config" \
    -Dopensearch.distribution.type=tar -Dopensearch.bundled_jdk=false \
    -cp "$node/home/lib/*" org.opensearch.bootstrap.OpenSearch) </dev/null >>"$OPENSEARCH_LOG" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$OPENSEARCH_PIDFILE"
  # Ready = the cluster (this one node) has elected itself and answers health as green or yellow.
  for ((i = 0; i < 1800; i++)); do
    if [ "$(http_status "$OPENSEARCH_PORT" '/_cluster/health?wait_for_status=yellow&timeout=1s')" = 200 ]; then
      log "opensearch: started on 127.0.0.1:$OPENSEARCH_PORT in $((SECONDS - start))s (pid $pid, home $node/home)"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || fail opensearch "$OPENSEARCH_LOG" "opensearch exited during startup"
    sleep 0.1
  done
  abort_start opensearch "$pid" "$OPENSEARCH_LOG" "cluster health not yellow after 180s"
}

opensearch_down() {
  local pid
  if pid=$(opensearch_pid); then
    stop_pid opensearch "$pid" TERM 60
    log "opensearch: stopped"
  else
    log "opensearch: not running"
  fi
  rm -f "$OPENSEARCH_PIDFILE"
}

opensearch_status() {
  local pid
  if pid=$(opensearch_pid); then echo "opensearch  running  127.0.0.1:$OPENSEARCH_PORT  pid $pid"; else echo "opensearch  stopped  127.0.0.1:$OPENSEARCH_PORT" && return 1; fi
}

opensearch_clean() { opensearch_down; local d; d=$(opensearch_nodedir); rm -rf "$d" "$OPENSEARCH_DIR"; }

# ----------------------------------------------------------------------------
# env

env_lines() {
  local svc
  for svc in "$@"; do
    case $svc in
    pg) echo "export DATABASE_URL='postgresql://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB'" ;;
    redis) echo "export REDIS_URL='redis://127.0.0.1:$REDIS_PORT'" ;;
    kafka) echo "export KAFKA_BROKERS='$(kafka_bootstrap)'" ;;
    s3)
      echo "export S3_ENDPOINT='http://127.0.0.1:$S3_PORT'"
      echo "export S3_ACCESS_KEY='$S3_ACCESS_KEY'"
      echo "export S3_SECRET_KEY='$S3_SECRET_KEY'"
      echo "export S3_REGION='$S3_REGION'"
      ;;
    opensearch) echo "export OPENSEARCH_URL='http://127.0.0.1:$OPENSEARCH_PORT'" ;;
    esac
  done
}

# ----------------------------------------------------------------------------
# main

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
  exit 2
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in up | down | status | env | clean) ;; -h | --help | help) usage ;; *) usage ;; esac

services=("$@")
[ ${#services[@]} -gt 0 ] || services=("${ALL_SERVICES[@]}")
for s in "${services[@]}"; do
  case $s in pg | redis | kafka | s3 | opensearch) ;; *) log "unknown service '$s' (expected: ${ALL_SERVICES[*]})" && exit 2 ;; esac
done

if [ "$cmd" = env ]; then
  env_lines "${services[@]}"
  exit 0
fi

mkdir -p "$CACHE" "$RUN"

if [ "$cmd" = status ]; then
  rc=0
  for s in "${services[@]}"; do "${s}_status" || rc=3; done
  exit "$rc"
fi

# one up/down/clean at a time per run dir (fd 9; the servers are started with
# 9>&- so they do not inherit, and keep holding, the lock)
exec 9>"$RUN/.services.lock"
if ! flock -n 9; then
  log "waiting for another services.sh in $RUN to finish"
  flock -w 900 9 || { log "gave up waiting for the lock $RUN/.services.lock"; exit 1; }
fi

failed=()
if [ "$cmd" = up ]; then
  order=("${services[@]}")
else # stop in reverse order
  order=()
  for ((i = ${#services[@]} - 1; i >= 0; i--)); do order+=("${services[i]}"); done
fi
for s in "${order[@]}"; do
  # Each service in a subshell so one failure still lets the others run;
  # `set -e` stays in force inside it because its status is read afterwards.
  set +e
  (
    set -e
    "${s}_${cmd}"
  )
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || failed+=("$s")
done

if [ ${#failed[@]} -gt 0 ]; then
  log "FAILED: ${failed[*]} ($cmd)"
  exit 1
fi
if [ "$cmd" = up ]; then
  log "all up: eval \"\$(scripts/services.sh env ${services[*]})\""
fi
