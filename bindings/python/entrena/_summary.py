"""Sequential.summary's table: layer, output shape, parameters, totals."""


def lines(model):
    """The lines of the table for a Sequential (built or not)."""
    inputs = model._inputs if model._handle is not None else None
    if inputs is None:
        inputs = model._given_inputs
    rows = [("Layer (type)", "Output Shape", "Param #")]
    prev, total = inputs, 0
    for i, l in enumerate(model._layers):
        params = "?" if prev is None else str(l.units * prev + l.units)
        if prev is not None:
            total += l.units * prev + l.units
        name = "dense_%d (Dense, %s%s)" % (i, l.activation, ", l2 %g" % l.l2 if l.l2 else "")
        rows.append((name, "(None, %d)" % l.units, params))
        if l.dropout:
            rows.append(("dropout_%d (Dropout, %g)" % (i, l.dropout), "(None, %d)" % l.units, "0"))
        prev = l.units
    w = [max(len(r[j]) for r in rows) + 4 for j in range(3)]
    width = sum(w)
    out = ['Model: "%s"' % model.name, "=" * width]
    fmt = lambda r: (r[0].ljust(w[0]) + r[1].ljust(w[1]) + r[2].rjust(w[2] - 4)).rstrip()  # noqa: E731
    out.append(fmt(rows[0]))
    out.append("=" * width)
    for r in rows[1:]:
        out.append(fmt(r))
    out.append("=" * width)
    if inputs is None and model._finalizer is None and not model._pending and model._generation:
        out.append("Total params: unknown (the model is closed)")
    elif inputs is None:
        out.append("Total params: unknown until the inputs are (the model is not built)")
    else:
        out.append("Total params: {:,}".format(total))
        out.append("Trainable params: {:,}".format(total))
        out.append("Non-trainable params: 0")
    if model._handle is not None:
        out.append("Inputs: %d, loss %s, optimizer %s (learning rate %g), max_batch %d"
                     % (model._inputs, model._cfg["loss"] or model.loss, model.optimizer,
                        model.learning_rate,
                        model._max_batch))
    out.append("=" * width)
    return out
