#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""perf-split.py PERF.DATA [FRAMES]: splits a console client's `perf record -g` samples
(bench/console/run.sh with BENCH_PERF=1) into what each one was doing, by the functions
on its stack (GTK, cairo and pixman have no debug symbols here: exported names only).
With FRAMES (frames drawn over the recording: frames/s x seconds) it prints each
part's milliseconds per frame as well."""
import subprocess
import sys

# (part, any of these on the stack); the first that matches counts the sample.
RULES = [
    ("Hangar: scaling the changed pixels into its scaled copy", ["scale_into"]),
    ("Hangar: its snapshot, other (nodes, marks, damage)", ["hangar_display_snapshot"]),
    ("GTK 4: new frame image, cleared", ["gdk_surface_create_similar_surface"]),
    ("GTK 4: GSK drawing the nodes into the frame image", ["gsk_render_node_draw"]),
    ("GTK 4: frame upload to X11 and the rest of the render", ["gsk_renderer_render"]),
    ("GTK 4: snapshot of the widget tree", ["gtk_widget_snapshot_child", "gtk_snapshot_"]),
    ("GTK 4: layout", ["gtk_widget_allocate", "gtk_widget_measure", "gtk_widget_size_allocate"]),
    ("GTK 3: drawing (expose: cairo, XRender requests)", ["gdk_window_process_updates",
                                                        "gtk_widget_draw", "gdk_window_end_paint",
                                                        "gtk_widget_send_expose", "cairo_"]),
    ("main loop: XPending (X events)", ["XPending", "_XEventsQueued", "XEventsQueued"]),
    ("main loop: poll, prepare, check", ["g_main_context_poll", "__poll", "g_main_context_prepare",
                                         "g_main_context_check", "g_main_context_query"]),
    ("protocol library (gvnc / spice-client-glib, coroutines, signals)",
     ["libgvnc", "libspice-client-glib", "swapcontext", "getcontext", "g_signal_emit",
      "libz.so", "libjpeg", "liblz4"]),
]


def main():
    data = sys.argv[1]
    frames = float(sys.argv[2]) if len(sys.argv) > 2 else 0
    out = subprocess.run(["perf", "script", "-i", data, "-F", "period,ip,sym,dso"],
                         capture_output=True, text=True, check=True).stdout
    counts = {}
    total = 0
    period_ns = 0
    for block in out.split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        head, stack = lines[0], " ".join(lines[1:])
        try:
            period_ns = int(head.split()[0])
        except (ValueError, IndexError):
            stack = " ".join(lines)
        part = "other"
        for name, markers in RULES:
            if any(m in stack for m in markers):
                part = name
                break
        counts[part] = counts.get(part, 0) + 1
        total += 1
    print(f"{total} samples" + (f", {frames:.0f} frames" if frames else ""))
    for part, n in sorted(counts.items(), key=lambda kv: -kv[1]):
        ms = f"  {n * period_ns / 1e6 / frames:6.3f} ms/frame" if frames and period_ns else ""
        print(f"{100.0 * n / total:5.1f} %  {n:5d}{ms}  {part}")


if __name__ == "__main__":
    main()
