"""Channels that bring cases in without a staff member typing them: e-mail (``mail``,
``mail_intake``, ``imap``) and regulator / headquarters transfer files (``transfers``)."""
