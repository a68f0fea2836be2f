// Not an MCP server: answers every line on stdin with plain text on stdout.
process.stderr.write('garbage-server up\n')
process.stdin.setEncoding('utf8')
process.stdin.on('data', () => process.stdout.write('Hello! I am not speaking JSON-RPC.\n'))
process.stdin.on('end', () => process.exit(0))
