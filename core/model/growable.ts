/** Append-only typed arrays that double when full, so a streamed import never holds JS objects per event. */
export class GrowableInt32 {
  array = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.array.length) {
      const next = new Int32Array(this.array.length * 2);
      next.set(this.array);
      this.array = next;
    }
    this.array[this.length++] = value;
  }
  view(): Int32Array {
    return this.array.subarray(0, this.length);
  }
}

export class GrowableFloat64 {
  array = new Float64Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.array.length) {
      const next = new Float64Array(this.array.length * 2);
      next.set(this.array);
      this.array = next;
    }
    this.array[this.length++] = value;
  }
  view(): Float64Array {
    return this.array.subarray(0, this.length);
  }
}
