// The same kind of network written with tfjs ops: autodiff computes the gradient.
module.exports = {
  kind: 'tfjs',
  params: (info) => ({ W1: { shape: [info.features, 12], init: 'glorot' }, b1: [12], W2: { shape: [12, info.outputs], init: 'glorot' }, b2: [info.outputs] }),
  loss(tf, p, x, y) {
    const z = tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, p.W1), p.b1)), p.W2), p.b2);
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(y, 'int32'), p.b2.shape[0]), z);
  },
  predict: (tf, p, x) => tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, p.W1), p.b1)), p.W2), p.b2),
};
