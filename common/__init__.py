"""Generic web pieces every app uses: the form field for typed text, the forms' base, the admin
mixin for actions, and the ``isolation`` template tags. It imports only Django and the text core,
so that every app can import it."""
