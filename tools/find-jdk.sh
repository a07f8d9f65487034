# shellcheck shell=bash
# Sourced by ./nvme4j and tools/test: finds a JDK >= 22 (the FFM API is final in 22).
# Order: $JAVA_HOME, then `java` on PATH, then the JDKs under /usr/lib/jvm (newest first).
# On success sets NVME4J_JAVA_HOME; otherwise prints what to install and returns 1.

nvme4j_java_feature() { # $1 = path to a java binary; prints its feature version (17, 25, ...)
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  case "$v" in 1.*) v=${v#1.}; v=${v%%.*} ;; esac
  [ -n "$v" ] && printf '%s\n' "${v%%.*}"
}

nvme4j_accept_home() { # $1 = candidate JAVA_HOME
  local home=$1 feature
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 1
  feature=$(nvme4j_java_feature "$home/bin/java") || return 1
  [ -n "$feature" ] && [ "$feature" -ge 22 ] 2>/dev/null || return 1
  NVME4J_JAVA_HOME=$home
}

nvme4j_find_jdk() {
  local candidate java_on_path
  if [ -n "${JAVA_HOME:-}" ] && nvme4j_accept_home "$JAVA_HOME"; then return 0; fi
  if java_on_path=$(command -v java 2>/dev/null); then
    candidate=$(dirname "$(dirname "$(readlink -f "$java_on_path")")")
    if nvme4j_accept_home "$candidate"; then return 0; fi
  fi
  if [ -d /usr/lib/jvm ]; then
    for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sed 's:/$::' | sort -V -r); do
      if nvme4j_accept_home "$candidate"; then return 0; fi
    done
  fi
  {
    echo "nvme4j: no JDK >= 22 found (looked at \$JAVA_HOME, 'java' on PATH and /usr/lib/jvm/*)."
    echo "nvme4j: the FFM API it is built on is final in JDK 22. Install one, for example:"
    echo "nvme4j:   apt-get install openjdk-25-jdk     (or Temurin 25 from adoptium.net)"
    echo "nvme4j: then run again, or point JAVA_HOME at it."
  } >&2
  return 1
}
