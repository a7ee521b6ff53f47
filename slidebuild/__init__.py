"""How scenes become files: the build machinery behind ``rnn-slides``.

``scenes/`` says what is drawn; this package turns it into videos, stills, figures and decks:

- :mod:`slidebuild.registry`: scene ids -> classes, read from the lecture modules' source;
- :mod:`slidebuild.engine`: content hash, manifest, worker pool, atomic installs;
- :mod:`slidebuild.check`: the layout lint over whole scenes (``rnn-slides check``);
- :mod:`slidebuild.deck_html`: finishing the HTML deck manim-slides writes;
- :mod:`slidebuild.vector`: SVG/PDF stills drawn by cairo from the scene's mobjects;
- :mod:`slidebuild.figures`: the static matplotlib figures behind the scenes.

Imports run one way: ``rnn_core`` <- ``scenes.kit`` <- lectures <- registry <- engine <- CLI.
"""
