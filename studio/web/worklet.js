// crosstalk studio: the capture AudioWorkletProcessor. Runs on the audio
// thread: downmixes whatever the microphone gives to mono and posts blocks of
// Float32 samples (with the block's peak over all input channels and the
// mono signal's sum of squares, for the meter) to the
// page, which batches them into the recording socket's ~100 ms messages.
// On the message "flush" it posts what it holds at once, then {type: "flushed"}
// (the page does this before "stop", so the episode ends where the host stopped).
'use strict';

class CrosstalkCapture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const wanted = options && options.processorOptions && options.processorOptions.blockFrames;
    this.blockFrames = wanted > 0 ? wanted : 1024;
    this.fresh();
    this.port.onmessage = (event) => {
      if (event.data === 'flush') {
        this.post();
        this.port.postMessage({ type: 'flushed' });
      }
    };
  }

  fresh() {
    this.block = new Float32Array(this.blockFrames);
    this.count = 0;
    this.peak = 0;
    this.sumSquares = 0;
  }

  post() {
    if (this.count === 0) return;
    const samples = this.count === this.blockFrames ? this.block : this.block.slice(0, this.count);
    this.port.postMessage(
      { type: 'audio', samples, peak: this.peak, sumSquares: this.sumSquares },
      [samples.buffer]);
    this.fresh();
  }

  process(inputs) {
    const channels = inputs[0] || [];
    // No channels: the track ended or is not connected yet. Keep the timeline
    // going with silence (the page then shows "no signal").
    const frames = channels.length ? channels[0].length : 128;
    const scale = channels.length ? 1 / channels.length : 0;
    for (let i = 0; i < frames; i++) {
      let s = 0;
      for (let c = 0; c < channels.length; c++) {
        const x = channels[c][i];
        s += x;
        const a = x < 0 ? -x : x;   // the peak of any channel: clipping in one shows
        if (a > this.peak) this.peak = a;
      }
      s *= scale;
      this.block[this.count++] = s;
      this.sumSquares += s * s;
      if (this.count === this.blockFrames) this.post();
    }
    return true;
  }
}

registerProcessor('crosstalk-capture', CrosstalkCapture);
