"""What a user sees after every request of every simulator scenario.

One line per request: call state, remote number, remote name, and the binary
sensors that are on (I in call, R ringing, H on hold, M muted, O off hook).
The same with and without call ids. Checked by test_scenarios.py.
"""

VIEWS: dict[str, tuple[str, ...]] = {
    "boot": (
        "idle None None",  # setup_completed
        "idle None None",  # registered
    ),
    "unregister": (
        "None None None",  # unregistered
    ),
    "incoming-answered": (
        "ringing 1002 Bob R",  # incoming_call
        "ringing 1002 Bob R",  # idle_to_busy
        "ringing 1002 Bob RO",  # off_hook
        "connected 1002 Bob IO",  # established
        "connected 1002 Bob I",  # on_hook
        "idle 1002 Bob",  # terminated
        "idle 1002 Bob",  # busy_to_idle
    ),
    "incoming-missed": (
        "ringing 1002 Bob R",  # incoming_call
        "ringing 1002 Bob R",  # idle_to_busy
        "idle 1002 Bob",  # missed_call
        "idle 1002 Bob",  # busy_to_idle
    ),
    "incoming-rejected": (
        "ringing 1002 Bob R",  # incoming_call
        "ringing 1002 Bob R",  # idle_to_busy
        "idle 1002 Bob",  # reject_incoming_call
        "idle 1002 Bob",  # busy_to_idle
    ),
    "outgoing": (
        "None None None O",  # off_hook
        "dialing None None O",  # idle_to_busy
        "dialing 1002 Bob O",  # outgoing_call
        "connected 1002 Bob IO",  # established
        "connected 1002 Bob I",  # on_hook
        "idle 1002 Bob",  # terminated
        "idle 1002 Bob",  # busy_to_idle
    ),
    "hold": (
        "ringing 1002 Bob R",  # incoming_call
        "ringing 1002 Bob R",  # idle_to_busy
        "ringing 1002 Bob RO",  # off_hook
        "connected 1002 Bob IO",  # established
        "on_hold 1002 Bob IHO",  # hold
        "connected 1002 Bob IO",  # unhold
        "connected 1002 Bob I",  # on_hook
        "idle 1002 Bob",  # terminated
        "idle 1002 Bob",  # busy_to_idle
    ),
    "mute": (
        "ringing 1002 Bob R",  # incoming_call
        "ringing 1002 Bob R",  # idle_to_busy
        "ringing 1002 Bob RO",  # off_hook
        "connected 1002 Bob IO",  # established
        "connected 1002 Bob IMO",  # mute
        "connected 1002 Bob IO",  # unmute
        "connected 1002 Bob I",  # on_hook
        "idle 1002 Bob",  # terminated
        "idle 1002 Bob",  # busy_to_idle
    ),
    "call-waiting": (
        "ringing 1002 Bob R",  # incoming_call
        "ringing 1002 Bob R",  # idle_to_busy
        "ringing 1002 Bob RO",  # off_hook
        "connected 1002 Bob IO",  # established
        "connected 1002 Bob IRO",  # incoming_call
        "connected 1003 Carol IHO",  # answer_new_incall
        "on_hold 1002 Bob IHO",  # terminated
        "connected 1002 Bob IO",  # unhold
        "connected 1002 Bob I",  # on_hook
        "idle 1002 Bob",  # terminated
        "idle 1002 Bob",  # busy_to_idle
    ),
    "blind-transfer": (
        "ringing 1002 Bob R",  # incoming_call
        "ringing 1002 Bob R",  # idle_to_busy
        "ringing 1002 Bob RO",  # off_hook
        "connected 1002 Bob IO",  # established
        "on_hold 1002 Bob IHO",  # hold
        "on_hold 1002 Bob IHO",  # transfer_call
        "on_hold 1002 Bob IHO",  # blind_transfer
        "idle 1002 Bob O",  # transfer_finished
        "idle 1002 Bob",  # on_hook
        "idle 1002 Bob",  # busy_to_idle
    ),
    "attended-transfer": (
        "ringing 1002 Bob R",  # incoming_call
        "ringing 1002 Bob R",  # idle_to_busy
        "ringing 1002 Bob RO",  # off_hook
        "connected 1002 Bob IO",  # established
        "on_hold 1002 Bob IHO",  # hold
        "on_hold 1002 Bob IHO",  # transfer_call
        "on_hold 1004 Dave IHO",  # outgoing_call
        "connected 1004 Dave IHO",  # established
        "connected 1004 Dave IHO",  # attended_transfer
        "connected 1004 Dave IO",  # transfer_finished
        "idle 1004 Dave O",  # terminated
        "idle 1004 Dave",  # on_hook
        "idle 1004 Dave",  # busy_to_idle
    ),
    "lost-hang-up": (
        "ringing 1002 Bob R",  # incoming_call
        "ringing 1002 Bob R",  # idle_to_busy
        "ringing 1002 Bob RO",  # off_hook
        "connected 1002 Bob IO",  # established
        "connected 1002 Bob IO",  # on_hook (lost)
        "connected 1002 Bob IO",  # terminated (lost)
        "connected 1002 Bob IO",  # busy_to_idle (lost)
        "connected 1002 Bob IRO",  # incoming_call
        "ringing 1003 Carol RO",  # idle_to_busy
        "ringing 1003 Carol RO",  # off_hook
        "connected 1003 Carol IO",  # established
        "connected 1003 Carol I",  # on_hook
        "idle 1003 Carol",  # terminated
        "idle 1003 Carol",  # busy_to_idle
    ),
    "restart-in-call": (
        "ringing 1002 Bob R",  # incoming_call
        "ringing 1002 Bob R",  # idle_to_busy
        "ringing 1002 Bob RO",  # off_hook
        "connected 1002 Bob IO",  # established
        "on_hold 1002 Bob IHO",  # hold (after a restart)
        "connected 1002 Bob IO",  # unhold
        "connected 1002 Bob I",  # on_hook
        "idle 1002 Bob",  # terminated
        "idle 1002 Bob",  # busy_to_idle
    ),
    "dnd-on": (
        "None None None",  # dnd_on
    ),
    "dnd-off": (
        "None None None",  # dnd_off
    ),
    "forwards-on": (
        "None None None",  # always_forward_on
        "None None None",  # busy_forward_on
        "None None None",  # no_answer_forward_on
    ),
    "forwards-off": (
        "None None None",  # always_forward_off
        "None None None",  # busy_forward_off
        "None None None",  # no_answer_forward_off
    ),
    "ip-change": (
        "None None None",  # ip_changed
        "None None None",  # registered
    ),
}
