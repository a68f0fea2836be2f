// Test-only: keeps a companion under test on this machine's loopback and off its processes. Every
// outgoing connection to anything but 127.0.0.0/8, ::1 or localhost is sent to a closed loopback
// port instead (the app sees "connection refused"), every UDP datagram to anything but loopback is
// dropped, and every child process is started as a program that does not exist (the app sees
// ENOENT). Each refusal prints one `GUARD …` line on stderr, so a test can count them.
import childProcess from 'node:child_process'
import dgram from 'node:dgram'
import { syncBuiltinESMExports } from 'node:module'
import net from 'node:net'

const MISSING = '/nonexistent/refused-by-the-reliability-host-guard'
const CLOSED_PORT = 9 // discard: nothing listens there on these machines
const note = (what) => process.stderr.write(`GUARD ${what}\n`)
const loopback = (host) => host === undefined || host === 'localhost' || host === '::1' || /^(::ffff:)?127\./.test(host)

const connect = net.Socket.prototype.connect
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0]
  if (first && typeof first === 'object' && first.path === undefined && !loopback(first.host)) {
    note(`connect ${first.host}:${first.port}`)
    first.host = '127.0.0.1'
    first.port = CLOSED_PORT
  } else if (typeof first === 'number' && typeof args[1] === 'string' && !loopback(args[1])) {
    note(`connect ${args[1]}:${first}`)
    args[0] = CLOSED_PORT
    args[1] = '127.0.0.1'
  }
  return connect.apply(this, args)
}

const send = dgram.Socket.prototype.send
dgram.Socket.prototype.send = function guardedSend(...args) {
  const address = args.find((arg, i) => i > 0 && typeof arg === 'string')
  if (address !== undefined && !loopback(address)) {
    note(`udp ${address}`)
    const callback = args.find((arg) => typeof arg === 'function')
    if (callback) queueMicrotask(() => callback(null, 0))
    return
  }
  return send.apply(this, args)
}

const refuse = (name, original) =>
  function guarded(command, ...rest) {
    note(`${name} ${String(command).slice(0, 200)}`)
    return original.call(this, MISSING, ...rest)
  }
for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync']) childProcess[name] = refuse(name, childProcess[name])
const spawn = childProcess.spawn
childProcess.fork = function guardedFork(modulePath) {
  note(`fork ${String(modulePath).slice(0, 200)}`)
  return spawn(MISSING, [], { stdio: 'ignore' })
}
syncBuiltinESMExports()
