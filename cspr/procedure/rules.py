"""Who may change how the procedure reads and counts for a partnership."""

import rules

from cspr.core.policy import PROCEDURE_EDITORS
from cspr.partnerships.rules import has_role_in

rules.add_perm("procedure.edit_procedure", has_role_in(*PROCEDURE_EDITORS))
