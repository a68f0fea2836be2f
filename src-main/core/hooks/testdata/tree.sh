#!/usr/bin/env bash
# A hook that never ends and starts a child that never ends either: `bash tree.sh PIDFILE`.
# runner.test.ts checks that a timeout kills both.
sleep 1000 &
echo "$$ $!" > "$1"
sleep 1000
