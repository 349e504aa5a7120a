"""Online interviews (在线访谈): announcements, moderated public questions, the live
transcript and the archive (回顾)."""
