"""Media and file search through the official SDK: image output and speech from
generateContent, file search stores (create, upload_to_file_search_store, import_file,
documents, the FileSearch tool, force delete), and Veo videos.

The 3.x SDK refuses `generate_images` and `generate_videos` on the Gemini API ("only supported
in Gemini Enterprise Agent Platform mode"), so Imagen is not called through it and a Veo
operation is started with a plain HTTP request; the SDK still waits for that operation
(`operations.get`) and downloads its video (`files.download`, following the emulator's
redirect), which is what is checked here.
"""

import io
import json
import struct
import time
import urllib.request
import wave
import zlib

from google.genai import errors, types

from compat import API_KEY, BASE_URL, call, check, client

PARIS = b"Paris is the capital of France. The Eiffel Tower is a famous landmark in Paris.\n"
BERLIN = b"Berlin is the capital of Germany. The Brandenburg Gate stands in Berlin.\n"
ROME = b"Rome is the capital of Italy. The Colosseum is an ancient amphitheatre in Rome.\n"


def png_size(data):
    """(width, height) of a PNG whose pixels inflate to the size its header says, else None."""
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    pos, idat, width, height, colour = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]:
            return None
        if kind == b"IHDR":
            width, height, _, colour = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    channels = {2: 3, 6: 4}.get(colour, 1)
    if len(zlib.decompress(idat)) != height * (1 + width * channels):
        return None
    return width, height


def inline_parts(response):
    return [p.inline_data for p in response.candidates[0].content.parts or [] if p.inline_data]


def images_and_speech(c):
    r = call(c.models.generate_content, model="gemini-2.5-flash-image", contents="A red fox in the snow",
             config=types.GenerateContentConfig(response_modalities=["TEXT", "IMAGE"],
                                                image_config=types.ImageConfig(aspect_ratio="16:9")))
    blobs = inline_parts(r)
    check("image output part", len(blobs) == 1 and blobs[0].mime_type == "image/png", blobs)
    check("image output decodes", blobs and png_size(blobs[0].data) == (96, 54),
          blobs and png_size(blobs[0].data))
    check("image output text", r.text == "You said: A red fox in the snow", r.text)
    try:
        call(c.models.generate_content, model="gemini-2.5-flash-image", contents="x",
             config=types.GenerateContentConfig(image_config=types.ImageConfig(aspect_ratio="5:2")))
        check("image bad aspect ratio", False, "no error")
    except errors.ClientError as err:
        check("image bad aspect ratio", err.code == 400, err)

    voice = lambda name: types.VoiceConfig(prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=name))
    r = call(c.models.generate_content, model="gemini-2.5-flash-preview-tts",
             contents="Say cheerfully: have a wonderful day",
             config=types.GenerateContentConfig(response_modalities=["AUDIO"],
                                                speech_config=types.SpeechConfig(voice_config=voice("Kore"))))
    blobs = inline_parts(r)
    check("tts part", len(blobs) == 1 and blobs[0].mime_type == "audio/L16;codec=pcm;rate=24000", blobs)
    if blobs:
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(24000)
            w.writeframes(blobs[0].data)
        out.seek(0)
        with wave.open(out, "rb") as w:
            seconds = w.getnframes() / w.getframerate()
            check("tts wav", w.getframerate() == 24000 and 0.5 < seconds < 10, seconds)
    if blobs:
        chunks = list(call(c.models.generate_content_stream, model="gemini-2.5-flash-preview-tts",
                           contents="Say cheerfully: have a wonderful day",
                           config=types.GenerateContentConfig(
                               response_modalities=["AUDIO"],
                               speech_config=types.SpeechConfig(voice_config=voice("Kore")))))
        streamed = b"".join(b.data for ch in chunks if ch.candidates for b in inline_parts(ch))
        check("tts stream", len(chunks) >= 2 and streamed == blobs[0].data, len(chunks))
    r = call(c.models.generate_content, model="gemini-2.5-flash-preview-tts",
             contents="Joe: How are you?\nJane: Fine, thanks.",
             config=types.GenerateContentConfig(
                 response_modalities=["AUDIO"],
                 speech_config=types.SpeechConfig(multi_speaker_voice_config=types.MultiSpeakerVoiceConfig(
                     speaker_voice_configs=[types.SpeakerVoiceConfig(speaker="Joe", voice_config=voice("Puck")),
                                            types.SpeakerVoiceConfig(speaker="Jane", voice_config=voice("Kore"))]))))
    check("tts two speakers", len(inline_parts(r)) == 1, r)
    try:
        call(c.models.generate_content, model="gemini-2.5-flash-preview-tts", contents="Hello")
        check("tts without AUDIO", False, "no error")
    except errors.ClientError as err:
        check("tts without AUDIO", err.code == 400 and "AUDIO" in str(err), err)


def wait(c, op, limit=40):
    for _ in range(limit):
        if op.done:
            return op
        time.sleep(0.25)
        op = call(c.operations.get, op)
    return op


def file_search(c):
    store = call(c.file_search_stores.create, config=types.CreateFileSearchStoreConfig(display_name="compat store"))
    check("store name", store.name.startswith("fileSearchStores/compatstore-"), store.name)
    op = call(c.file_search_stores.upload_to_file_search_store, file_search_store_name=store.name,
              file=io.BytesIO(PARIS),
              config=types.UploadToFileSearchStoreConfig(
                  display_name="paris.txt", mime_type="text/plain",
                  custom_metadata=[types.CustomMetadata(key="country", string_value="France")],
                  chunking_config=types.ChunkingConfig(white_space_config=types.WhiteSpaceConfig(
                      max_tokens_per_chunk=50, max_overlap_tokens=5))))
    op = wait(c, op)
    paris = op.response.document_name if op.done and op.response else None
    check("upload to store", bool(paris) and paris.startswith(store.name + "/documents/"), op)
    call(c.file_search_stores.upload_to_file_search_store, file_search_store_name=store.name,
         file=io.BytesIO(BERLIN),
         config=types.UploadToFileSearchStoreConfig(
             display_name="berlin.txt", mime_type="text/plain",
             custom_metadata=[types.CustomMetadata(key="country", string_value="Germany")]))
    f = call(c.files.upload, file=io.BytesIO(ROME), config=types.UploadFileConfig(mime_type="text/plain",
                                                                                 display_name="rome.txt"))
    op = wait(c, call(c.file_search_stores.import_file, file_search_store_name=store.name, file_name=f.name,
                      config=types.ImportFileConfig(
                          custom_metadata=[types.CustomMetadata(key="year", numeric_value=2024)])))
    check("import file", op.done and op.response and op.response.document_name, op)

    docs = list(call(c.file_search_stores.documents.list, parent=store.name))
    check("documents list", sorted(d.display_name for d in docs) == ["berlin.txt", "paris.txt", "rome.txt"], docs)
    if paris:
        doc = call(c.file_search_stores.documents.get, name=paris)
        check("documents get", doc.state == types.DocumentState.STATE_ACTIVE and
              doc.custom_metadata[0].string_value == "France", doc)
    got = call(c.file_search_stores.get, name=store.name)
    check("store counts", got.active_documents_count == 3, got)

    tool = types.Tool(file_search=types.FileSearch(file_search_store_names=[store.name]))
    r = call(c.models.generate_content, model="gemini-2.5-flash", contents="What is the capital of France?",
             config=types.GenerateContentConfig(tools=[tool]))
    meta = r.candidates[0].grounding_metadata
    chunks = (meta.grounding_chunks or []) if meta else []
    check("file search answer", (r.text or "").startswith("Paris is the capital of France."), r.text)
    check("file search chunk", chunks and chunks[0].retrieved_context.title == "paris.txt"
          and chunks[0].retrieved_context.file_search_store == store.name, chunks)
    supports = (meta.grounding_supports or []) if meta else []
    check("file search support", supports and supports[0].segment.end_index == 31
          and supports[0].grounding_chunk_indices == [0], supports)
    tool = types.Tool(file_search=types.FileSearch(file_search_store_names=[store.name],
                                                   metadata_filter='country = "Germany"', top_k=1))
    r = call(c.models.generate_content, model="gemini-2.5-flash", contents="What is the capital?",
             config=types.GenerateContentConfig(tools=[tool]))
    chunks = r.candidates[0].grounding_metadata.grounding_chunks if r.candidates[0].grounding_metadata else []
    check("file search filter", len(chunks) == 1 and chunks[0].retrieved_context.title == "berlin.txt", chunks)

    if paris:
        call(c.file_search_stores.documents.delete, name=paris, config=types.DeleteDocumentConfig(force=True))
        try:
            call(c.file_search_stores.documents.get, name=paris)
            check("document deleted", False, "no error")
        except errors.ClientError as err:
            check("document deleted", err.code == 404, err)
    try:
        call(c.file_search_stores.delete, name=store.name)
        check("store delete needs force", False, "no error")
    except errors.ClientError as err:
        check("store delete needs force", err.code == 400, err)
    call(c.file_search_stores.delete, name=store.name, config=types.DeleteFileSearchStoreConfig(force=True))
    names = [s.name for s in call(c.file_search_stores.list)]
    check("store deleted", store.name not in names, names)


def videos(c):
    # The SDK refuses generate_videos on the Gemini API: start the operation by hand.
    req = urllib.request.Request(
        f"{BASE_URL}/v1beta/models/veo-3.1-generate-preview:predictLongRunning",
        data=json.dumps({"instances": [{"prompt": "A cat surfing"}],
                         "parameters": {"durationSeconds": 4}}).encode(),
        headers={"x-goog-api-key": API_KEY, "content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as resp:
        name = json.load(resp)["name"]
    op = wait(c, types.GenerateVideosOperation(name=name))
    vids = op.response.generated_videos if op.done and op.response else []
    check("veo operation", len(vids) == 1 and vids[0].video.uri, op)
    if vids:
        # The SDK cuts the file id out of https URIs only; the emulator's are http.
        name = "files/" + vids[0].video.uri.split("files/")[1].split(":")[0]
        data = call(c.files.download, file=name)
        check("veo download", data[4:8] == b"ftyp" and b"moov" in data and b"mdat" in data, data[:16])
        f = call(c.files.get, name=name)
        check("veo file", f.mime_type == "video/mp4" and f.size_bytes == len(data), f)


def suite():
    c = client()
    for part in (images_and_speech, file_search, videos):
        part(c)
