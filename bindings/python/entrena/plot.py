"""plot_history: the loss curve of a fit, drawn with matplotlib when installed."""


def plot_history(history, path, title="Loss per epoch", label=None):
    """Draw the loss per epoch (and validation loss, when present) of one
    History -- or of several, given as a dict {label: History} -- and save
    the figure to path (PNG, SVG, PDF... by extension). Raises ImportError
    with an install hint when matplotlib is missing."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError("entrena.plot_history needs matplotlib: pip install matplotlib") from e
    runs = history if isinstance(history, dict) else {label or "loss": history}
    fig, ax = plt.subplots(figsize=(7, 4.5))
    try:
        for name, h in runs.items():
            hist = getattr(h, "history", h)
            loss = list(hist["loss"])
            ax.plot(range(1, len(loss) + 1), loss, label=str(name))
            if "val_loss" in hist and len(runs) == 1:
                vl = list(hist["val_loss"])
                ax.plot(range(1, len(vl) + 1), vl, label="val_loss")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        ax.set_title(title)
        ax.grid(True, alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(path)
    finally:
        plt.close(fig)
    return path
