"""The files a build hands out beside the audio: manifest, tags, listing, transcripts, playlist,
feed, zip and the web page.
"""
