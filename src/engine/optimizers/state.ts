import { makeVariable, tf } from '../tf';

/** Per-parameter state buffers (velocity, moments...), zero-initialised on first use. */
export class Slots {
  private slots: tf.Variable[] | undefined;

  get(params: tf.Variable[]): tf.Variable[] {
    if (!this.slots) this.slots = params.map((p) => makeVariable(() => tf.zerosLike(p), false));
    return this.slots;
  }

  dispose(): void {
    this.slots?.forEach((s) => s.dispose());
    this.slots = undefined;
  }
}
