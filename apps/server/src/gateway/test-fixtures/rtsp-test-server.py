#!/usr/bin/python3
"""A tiny RTSP test source for the gateway's tests (not the product's simulator).

Serves one H.264 test pattern at rtsp://127.0.0.1:<port>/<mount> with GStreamer's RTSP server:
videotestsrc -> x264enc (zerolatency, key frame every 25 frames = 1 s at 25 fps) -> rtph264pay.
Prints one line `READY <port>` on stdout once listening, then serves until killed.

Usage: /usr/bin/python3 rtsp-test-server.py [--port 0] [--mount /cam] [--user U --password P]
       [--width 640 --height 360 --bitrate-kbps 1500]
Run it with /usr/bin/python3: another python3 on PATH may lack the `gi` bindings.
"""
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0, help="0 picks a free port")
    ap.add_argument("--mount", default="/cam")
    ap.add_argument("--user", default=None)
    ap.add_argument("--password", default=None)
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=360)
    ap.add_argument("--bitrate-kbps", type=int, default=1500)
    ap.add_argument("--pattern", default="ball", help="videotestsrc pattern; snow fills the bitrate")
    args = ap.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))

    factory = GstRtspServer.RTSPMediaFactory()
    factory.set_launch(
        f"( videotestsrc is-live=true pattern={args.pattern} "
        f"! video/x-raw,width={args.width},height={args.height},framerate=25/1 "
        f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=25 bitrate={args.bitrate_kbps} "
        "! video/x-h264,profile=baseline "
        "! rtph264pay name=pay0 pt=96 config-interval=1 )"
    )
    # One pipeline per client: GStreamer's RTSP server 1.22 can abort (g_assert in
    # gst_rtsp_media_get_rates) when a second client's PLAY races the first on a shared media,
    # which these tests do on purpose (main and sub of one camera at once).
    factory.set_shared(False)

    if args.user is not None:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "viewer")
        basic = GstRtspServer.RTSPAuth.make_basic(args.user, args.password or "")
        auth.add_basic(basic, token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_role_from_structure(
            Gst.Structure.new_from_string("viewer, media.factory.access=(boolean)true, media.factory.construct=(boolean)true")
        )
        factory.set_permissions(permissions)

    server.get_mount_points().add_factory(args.mount, factory)
    if server.attach(None) == 0:
        print("ERROR could not listen", flush=True)
        sys.exit(1)

    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, loop.quit)
    print(f"READY {server.get_bound_port()}", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
