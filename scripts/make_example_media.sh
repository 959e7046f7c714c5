#!/bin/sh
# Regenerate the example course's video, poster and transcript from the dialogue source:
#   course_src/kind-handovers/media-source/handover-conversation.dialogue.txt
# The work is done by scripts/make_example_media.py (Python standard library only);
# this wrapper checks the external tools first and says how to install any that are missing.
set -eu

missing=""
for tool in python3 ffmpeg ffprobe espeak-ng; do
    command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
    echo "make_example_media: missing:$missing" >&2
    echo "  Debian/Ubuntu: sudo apt-get install python3 ffmpeg espeak-ng   (ffprobe comes with ffmpeg)" >&2
    echo "  macOS (Homebrew): brew install python ffmpeg espeak-ng" >&2
    exit 1
fi

here=$(cd "$(dirname "$0")" && pwd)
exec python3 "$here/make_example_media.py" "$@"
