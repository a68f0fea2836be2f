#!/bin/sh
# Exit 2 is Claude Code's "block": stderr becomes the reason.
cat > /dev/null
echo "the working tree is dirty" >&2
exit 2
