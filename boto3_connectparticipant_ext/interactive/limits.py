"""The documented limits of the interactive-message templates.

Sources: the Amazon Connect administrator guide, "Add interactive messages to chat"
(list picker 1-6 elements, panel 1-10, time picker 1-40 timeslots; the whole message is
checked by the service only for its total size, under 20 KB) and the limits of the hosted
communications widget (amazon-connect-chat-interface), which quotes the same guide for its
400-character titles and subtitles and 200-character quick-reply options.

What is not documented for sure (the most options a quick reply may hold, the length of
image URLs and descriptions) is not enforced here: the service decides. Limits are checked
only when a message is built in Python and serialised (``to_content()``); a message that
arrives is parsed as it is, because the service and the widget truncate rather than refuse.

Examples
--------
>>> LIST_PICKER_MAX_ELEMENTS, PANEL_MAX_ELEMENTS, TIME_PICKER_MAX_TIMESLOTS
(6, 10, 40)
"""

from __future__ import annotations

#: Longest title or subtitle of a template (and of a list picker or panel option), in characters.
MAX_TITLE_CHARS = 400
MAX_SUBTITLE_CHARS = 400
#: Longest quick-reply option title, in characters.
MAX_QUICK_REPLY_OPTION_CHARS = 200

LIST_PICKER_MAX_ELEMENTS = 6
PANEL_MAX_ELEMENTS = 10
TIME_PICKER_MAX_TIMESLOTS = 40
#: A carousel shows at most five list pickers or panels.
CAROUSEL_MAX_ELEMENTS = 5
#: Every template with options needs at least one (a carousel at least one nested template).
MIN_ELEMENTS = 1

#: The whole serialised message must stay under 20 KB (20,480 bytes of UTF-8).
MAX_MESSAGE_BYTES = 20 * 1024

#: ``version`` every documented template uses.
TEMPLATE_VERSION = "1.0"
