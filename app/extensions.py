"""Flask extensions, created unbound and attached to the app in ``create_app``."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints: Alembic needs them to alter tables in SQLite batch mode, and stable names
# keep migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for every model."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# A request commits its unit of work (often with its audit record) and then renders what it
# loaded: keeping loaded values after the commit spares one SELECT per object shown (25 rows on
# a queue page). Every request still begins with fresh reads: the session ends with it.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
# What every model subclasses: Flask-SQLAlchemy's ``db.Model``, which is ``Base`` with its
# table-name and bind mixins. A type checker cannot follow a base class held in an attribute,
# so it is told ``Base``.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
# Checked only by the views that declare a limit (app.ratelimit.limited), not before every request.
limiter = Limiter(key_func=get_remote_address, default_limits=[], auto_check=False)
