/**
 * Seeded WAV clips for the `audio` content: GIRAFF sent LibriSpeech clips converted to 8 kHz mono 16-bit PCM
 * under 32 KiB; we synthesise the same format (a few gliding tones under an envelope, plus a little noise)
 * instead of downloading a corpus.
 */

export const SAMPLE_RATE = 8_000;

/** A RIFF/WAVE file of `seconds` of 8 kHz mono 16-bit PCM (1.5 s ≈ 24 KiB). */
export function syntheticSpeech(random: () => number, seconds = 1.5): Buffer {
  const samples = Math.round(seconds * SAMPLE_RATE);
  const out = Buffer.alloc(44 + samples * 2);
  out.write("RIFF", 0, "latin1");
  out.writeUInt32LE(36 + samples * 2, 4);
  out.write("WAVEfmt ", 8, "latin1");
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(SAMPLE_RATE, 24);
  out.writeUInt32LE(SAMPLE_RATE * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write("data", 36, "latin1");
  out.writeUInt32LE(samples * 2, 40);
  const tones = Array.from({ length: 3 }, () => ({ f0: 120 + random() * 600, glide: (random() - 0.5) * 200 }));
  const syllableHz = 2 + random() * 3;
  for (let i = 0; i < samples; i++) {
    const t = i / SAMPLE_RATE;
    const envelope = 0.5 * (1 - Math.cos(2 * Math.PI * syllableHz * t));
    let v = 0;
    for (const { f0, glide } of tones) v += Math.sin(2 * Math.PI * (f0 + glide * t) * t) / tones.length;
    const sample = 0.6 * envelope * v + 0.02 * (random() * 2 - 1);
    out.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(sample * 32767))), 44 + i * 2);
  }
  return out;
}
