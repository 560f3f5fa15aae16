"""Runs a command in a real pseudo-terminal of a given size.

Usage: pty-bridge.py COLUMNS ROWS COMMAND [ARGS...]
Bytes on our stdin go to the terminal's keyboard; everything the program
draws comes out on our stdout. Exits with the program's exit code. Used by the
lifecycle tests instead of node-pty, which needs a native build.
"""
import fcntl, os, pty, select, signal, struct, sys, termios, time

columns, rows, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
pid, master = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)

# A signal sent to the bridge is meant for the program in the terminal.
for forwarded in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
    signal.signal(forwarded, lambda number, _frame: os.kill(pid, number))

fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
os.kill(pid, signal.SIGWINCH)
# Like a person, type only once the program reads the keyboard: Ink draws its first
# frame before it switches the terminal to raw mode, and a key sent in between is
# cooked by the line discipline (Enter arrives as "\n"). Give up waiting after 3 s.
def raw_mode():
    lflag = termios.tcgetattr(master)[3]
    return not (lflag & termios.ICANON)

started = time.monotonic()
pending = b""
stdin_open = True
while True:
    readable = [master] + ([0] if stdin_open else [])
    ready, _, _ = select.select(readable, [], [], 0.05)
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            data = b""
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if data:
            pending += data
        else:
            # Whoever drove us is gone: hang up, as closing a terminal window does.
            stdin_open = False
            os.kill(pid, signal.SIGHUP)
    if pending and (raw_mode() or time.monotonic() - started > 3):
        os.write(master, pending)
        pending = b""
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        # Drain what the program wrote just before it exited.
        while select.select([master], [], [], 0.05)[0]:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            os.write(1, data)
        sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else status >> 8)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
